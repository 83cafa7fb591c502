package dev.trafficguard.startertests;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import dev.trafficguard.actuate.TrafficGuardContributor;
import dev.trafficguard.executor.BoundedExecutor;
import dev.trafficguard.http.SharedConnectionPool;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.reactive.context.ReactiveWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.ClassUtils;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Spring WebFlux service on Reactor Netty: it starts cleanly and stays reactive (the
 * starter brings no Spring MVC that would turn it into a servlet application). The
 * executors, the shared blocking HTTP client behind {@link RestClient.Builder} with its
 * breakers, the endpoint and the defaults apply; the servlet filters (rate limit, in-flight
 * requests) and the MVC problem details do not.
 */
class WebFluxApplicationTests {

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	@Test
	void theStarterBringsNoServletStack() {
		assertThat(ClassUtils.isPresent("org.springframework.web.servlet.DispatcherServlet", null)).isFalse();
		assertThat(ClassUtils.isPresent("org.apache.catalina.startup.Tomcat", null)).isFalse();
	}

	@Test
	void startsReactiveAndAnswers() throws Exception {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Application.class)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"management.endpoints.web.exposure.include=health,trafficguard")
			.run()) {
			assertThat(context).isInstanceOf(ReactiveWebServerApplicationContext.class);
			assertThat(context.getBean("applicationTaskExecutor")).isInstanceOf(BoundedExecutor.class);
			assertThat(context.getBeansOfType(SharedConnectionPool.class)).hasSize(1);
			assertThat(context.getBeansOfType(TrafficGuardContributor.class).values())
				.extracting(TrafficGuardContributor::name)
				.containsExactlyInAnyOrder("defaults", "executor", "http-client", "circuit-breaker", "audit",
						"targets");

			String base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
			HttpResponse<String> hello = get(base + "/hello");
			assertThat(hello.statusCode()).isEqualTo(200);
			assertThat(hello.body()).isEqualTo("hello");
			assertThat(hello.headers().firstValue("RateLimit")).isEmpty();
			HttpResponse<String> report = get(base + "/actuator/trafficguard");
			assertThat(report.statusCode()).isEqualTo(200);
			assertThat(report.body()).contains("\"executor\"", "\"http-client\"")
				.doesNotContain("spring.mvc.problemdetails.enabled");
			// UP, or DEGRADED (200) if a performance target judged the startup's collections
			assertThat(get(base + "/actuator/health").body()).containsAnyOf("\"status\":\"UP\"",
					"\"status\":\"DEGRADED\"");
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
		Mono<String> hello() {
			return Mono.just("hello");
		}

	}

}
