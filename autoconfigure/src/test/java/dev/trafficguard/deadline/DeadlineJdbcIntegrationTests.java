package dev.trafficguard.deadline;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End-to-end tests of the deadline on the real PostgreSQL: a query the caller no longer
 * waits for is cancelled on the server, and a connection is waited for no longer than the
 * time left. Only this test's own sessions (by application_name) are looked at.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/test",
				"spring.datasource.username=postgres",
				"spring.datasource.hikari.data-source-properties.ApplicationName="
						+ DeadlineJdbcIntegrationTests.APPLICATION_NAME,
				"spring.datasource.hikari.maximum-pool-size=1", "spring.datasource.hikari.connection-timeout=20000",
				"traffic-guard.rate-limit.enabled=false", "traffic-guard.deadline.rules.db.paths=/db/**",
				"traffic-guard.deadline.rules.db.budget=500ms", "traffic-guard.deadline.rules.roomy.paths=/roomy/**",
				"traffic-guard.deadline.rules.roomy.budget=30s" })
class DeadlineJdbcIntegrationTests {

	static final String APPLICATION_NAME = "tg-issue18-deadline";

	private final HttpClient client = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Autowired
	private DataSource dataSource;

	@Test
	void poolIsStillAHikariDataSource() {
		assertThat(this.dataSource).isInstanceOf(HikariDataSource.class);
		assertThat(((HikariDataSource) this.dataSource).getMaximumPoolSize()).isEqualTo(1);
	}

	@Test
	void queryPastTheDeadlineIsCancelledOnTheServerAndAnswered504() throws Exception {
		long start = System.nanoTime();
		CompletableFuture<HttpResponse<String>> response = this.client.sendAsync(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/db/sleep")).build(),
				HttpResponse.BodyHandlers.ofString());
		awaitSleepingBackends(1, response);
		HttpResponse<String> answered = response.get(30, TimeUnit.SECONDS);
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(answered.statusCode()).isEqualTo(504);
		assertThat(answered.body()).contains("Deadline exceeded: the query ran out of time");
		// pg_sleep(5) did not run to its end: the backend was cancelled
		assertThat(took).isLessThan(Duration.ofSeconds(4));
		assertThat(sleepingBackends()).isZero();
	}

	@Test
	void queryWithinItsBudgetRuns() throws Exception {
		HttpResponse<String> answered = get("/roomy/quick");
		assertThat(answered.statusCode()).isEqualTo(200);
		assertThat(answered.body()).isEqualTo("1");
	}

	@Test
	void connectionIsWaitedForAtMostTheTimeLeft() throws Exception {
		long start = System.nanoTime();
		HttpResponse<String> answered;
		try (Connection held = this.dataSource.getConnection()) {
			answered = get("/db/quick");
		}
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(answered.statusCode()).isEqualTo(504);
		assertThat(answered.body()).contains("Deadline exceeded: the connection ran out of time");
		// The pool's own connection timeout is 20s
		assertThat(took).isLessThan(Duration.ofSeconds(10));
	}

	private void awaitSleepingBackends(int count, CompletableFuture<?> response) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (sleepingBackends() < count) {
			assertThat(response).as("answered before the query was seen running").isNotDone();
			assertThat(System.nanoTime() - deadline).as("query never seen running").isNegative();
			Thread.onSpinWait();
		}
	}

	private static int sleepingBackends() throws Exception {
		try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres",
				"");
				Statement statement = connection.createStatement();
				ResultSet result = statement
					.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + APPLICATION_NAME
							+ "' AND state = 'active' AND query LIKE 'SELECT pg_sleep%'")) {
			result.next();
			return result.getInt(1);
		}
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Endpoints.class)
	static class TestApplication {

	}

	@RestController
	static class Endpoints {

		private final JdbcTemplate jdbc;

		Endpoints(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@GetMapping("/db/sleep")
		String sleep() {
			this.jdbc.execute("SELECT pg_sleep(5)");
			return "slept";
		}

		@GetMapping({ "/db/quick", "/roomy/quick" })
		String quick() {
			return String.valueOf(this.jdbc.queryForObject("SELECT 1", Integer.class));
		}

	}

}
