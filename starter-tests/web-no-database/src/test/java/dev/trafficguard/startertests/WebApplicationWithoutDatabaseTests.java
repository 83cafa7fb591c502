package dev.trafficguard.startertests;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import javax.sql.DataSource;

import dev.trafficguard.executor.BoundedExecutor;
import dev.trafficguard.http.SharedConnectionPool;
import dev.trafficguard.ratelimit.RateLimitFilter;
import dev.trafficguard.shutdown.InFlightRequestFilter;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.ClassUtils;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Spring MVC service with the starter and no database, the application of a new user: it
 * must start and answer, with every web feature on.
 */
class WebApplicationWithoutDatabaseTests {

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	@Test
	void theStarterBringsNoDatabaseNoRedisClientAndNoWebStack() {
		// spring-boot-starter-webmvc is this application's own dependency.
		assertThat(ClassUtils.isPresent("com.zaxxer.hikari.HikariDataSource", null)).isFalse();
		assertThat(ClassUtils.isPresent("org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
				null))
			.isFalse();
		assertThat(ClassUtils.isPresent("io.lettuce.core.RedisClient", null)).isFalse();
		assertThat(ClassUtils.isPresent("org.springframework.web.reactive.DispatcherHandler", null)).isFalse();
	}

	@Test
	void startsAndAnswersWithEveryWebFeatureOn() throws Exception {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Application.class)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"management.endpoints.web.exposure.include=health,trafficguard,prometheus")
			.run()) {
			assertThat(context).isInstanceOf(ServletWebServerApplicationContext.class);
			assertThat(context.getBeansOfType(DataSource.class)).isEmpty();
			assertThat(context.getBean("applicationTaskExecutor")).isInstanceOf(BoundedExecutor.class);
			assertThat(context.getBeansOfType(SharedConnectionPool.class)).hasSize(1);
			assertThat(context.getBeansOfType(RateLimitFilter.class)).hasSize(1);
			assertThat(context.getBeansOfType(InFlightRequestFilter.class)).hasSize(1);

			String base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
			HttpResponse<String> hello = get(base + "/hello");
			assertThat(hello.statusCode()).isEqualTo(200);
			assertThat(hello.body()).isEqualTo("hello");
			assertThat(hello.headers().firstValue("RateLimit")).isPresent();

			HttpResponse<String> report = get(base + "/actuator/trafficguard");
			assertThat(report.statusCode()).isEqualTo(200);
			assertThat(report.body()).contains("\"executor\"", "\"rate-limit\"", "\"http-client\"",
					"\"circuit-breaker\"", "\"shutdown\"", "\"defaults\"")
				.doesNotContain("\"datasource\"");
			// UP, or DEGRADED (200) if a performance target judged the cold first requests
			HttpResponse<String> health = get(base + "/actuator/health");
			assertThat(health.statusCode()).isEqualTo(200);
			assertThat(health.body()).containsAnyOf("\"status\":\"UP\"", "\"status\":\"DEGRADED\"");
			assertThat(get(base + "/actuator/prometheus").body()).contains("traffic_guard_");
		}
	}

	private HttpResponse<String> get(String uri) throws IOException, InterruptedException {
		return this.http.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@RestController
	static class Application {

		@GetMapping("/hello")
		String hello() {
			return "hello";
		}

	}

}
