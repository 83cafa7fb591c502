package dev.trafficguard.startertests;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariDataSource;
import dev.trafficguard.actuate.TrafficGuardContributor;
import dev.trafficguard.executor.BoundedExecutor;
import dev.trafficguard.http.SharedConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.util.ClassUtils;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application without a web server (a batch job, a message consumer) with JDBC on an
 * embedded H2 database: the bounded executors, the shared HTTP client with its breakers and
 * the tuned pool apply; the request filters do not exist, and nothing fails for their lack.
 */
class NonWebApplicationTests {

	private HttpServer downstream;

	private ExecutorService downstreamThreads;

	@BeforeEach
	void startDownstream() throws IOException {
		this.downstreamThreads = Executors.newFixedThreadPool(2);
		this.downstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
		this.downstream.setExecutor(this.downstreamThreads);
		this.downstream.createContext("/", (exchange) -> {
			byte[] body = "downstream".getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		});
		this.downstream.start();
	}

	@AfterEach
	void stopDownstream() {
		this.downstream.stop(0);
		this.downstreamThreads.shutdownNow();
	}

	@Test
	void theStarterMakesNoWebApplication() {
		assertThat(ClassUtils.isPresent("jakarta.servlet.Servlet", null)).isFalse();
		assertThat(ClassUtils.isPresent("org.springframework.web.reactive.DispatcherHandler", null)).isFalse();
	}

	@Test
	void executorsHttpClientAndPoolsApplyWithoutAnyRequestFilter() throws Exception {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Application.class)
			.properties("spring.main.banner-mode=off")
			.run()) {
			assertThat(context.getClass()).isEqualTo(AnnotationConfigApplicationContext.class);

			BoundedExecutor executor = context.getBean("applicationTaskExecutor", BoundedExecutor.class);
			assertThat(executor.submit(() -> "ran", Duration.ofSeconds(10)).get()).isEqualTo("ran");

			RestClient client = context.getBean(RestClient.Builder.class)
				.baseUrl("http://127.0.0.1:" + this.downstream.getAddress().getPort())
				.build();
			assertThat(client.get().uri("/").retrieve().body(String.class)).isEqualTo("downstream");
			SharedConnectionPool pool = context.getBean(SharedConnectionPool.class);
			// The call went through the shared pool, whose connection is back and available.
			assertThat(pool.getTotalStats().getAvailable()).isEqualTo(1);

			HikariDataSource dataSource = context.getBean(HikariDataSource.class);
			assertThat(dataSource.getMaximumPoolSize()).isEqualTo(9);
			assertThat(dataSource.getConnectionTimeout()).isEqualTo(2000);

			assertThat(context.getBeansOfType(TrafficGuardContributor.class).values())
				.extracting(TrafficGuardContributor::name)
				.containsExactlyInAnyOrder("defaults", "executor", "http-client", "circuit-breaker", "datasource",
						"audit", "targets");
			assertThat(context.containsBean("trafficGuardRateLimitFilter")).isFalse();
			assertThat(context.containsBean("trafficGuardInFlightRequestFilter")).isFalse();
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

	}

}
