package dev.trafficguard.startertests;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Spring MVC service with Spring Data JPA on the local PostgreSQL
 * ({@code 127.0.0.1:5432}, database {@code test}): the application adds JDBC, and Traffic
 * Guard tunes the pool Spring Boot builds for it.
 */
class WebApplicationWithJpaOnPostgresTests {

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	@Test
	void startsOnPostgresWithATunedPoolAndServesFromTheDatabase() throws Exception {
		String applicationName = "traffic-guard-starter-tests-" + UUID.randomUUID();
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Application.class)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"management.endpoints.web.exposure.include=health,trafficguard",
					"spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/test?ApplicationName=" + applicationName,
					"spring.datasource.username=postgres", "spring.jpa.hibernate.ddl-auto=create-drop",
					"spring.jpa.open-in-view=false")
			.run()) {
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			// Traffic Guard's defaults (4 database cores, 1 instance), not HikariCP's 10 and 30 s.
			assertThat(pool.getMaximumPoolSize()).isEqualTo(9);
			assertThat(pool.getConnectionTimeout()).isEqualTo(2000);
			assertThat(pool.getLeakDetectionThreshold()).isEqualTo(20_000);

			String base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
			HttpResponse<String> created = send(
					HttpRequest.newBuilder(URI.create(base + "/greetings")).POST(HttpRequest.BodyPublishers.noBody()));
			assertThat(created.statusCode()).isEqualTo(200);
			HttpResponse<String> read = send(HttpRequest.newBuilder(URI.create(base + "/greetings/" + created.body())));
			assertThat(read.statusCode()).isEqualTo(200);
			assertThat(read.body()).isEqualTo("hello " + created.body());
			assertThat(read.headers().firstValue("RateLimit")).isPresent();

			HttpResponse<String> section = send(
					HttpRequest.newBuilder(URI.create(base + "/actuator/trafficguard/datasource")));
			assertThat(section.statusCode()).isEqualTo(200);
			assertThat(section.body()).contains("\"maximum-pool-size\"");
			assertThat(send(HttpRequest.newBuilder(URI.create(base + "/actuator/health"))).body())
				.containsAnyOf("\"status\":\"UP\"", "\"status\":\"DEGRADED\"");
		}
	}

	private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
		return this.http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
	}

	@SpringBootApplication
	@RestController
	static class Application {

		private final Greetings greetings;

		Application(Greetings greetings) {
			this.greetings = greetings;
		}

		@PostMapping("/greetings")
		long create() {
			Greeting greeting = new Greeting();
			greeting.text = "hello";
			return this.greetings.save(greeting).id;
		}

		@GetMapping("/greetings/{id}")
		String read(@PathVariable long id) {
			return this.greetings.findById(id).map((greeting) -> greeting.text + " " + greeting.id).orElse("none");
		}

	}

}
