package dev.trafficguard.datasource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A database connection killed on the real PostgreSQL while a request uses it inside a
 * transaction: the request is answered 503 {@code application/problem+json} with
 * {@code Retry-After}, counted by cause, logged as one line without a stack trace, and the
 * pool serves the next request on a new connection. The test terminates only its own
 * backends, found by the application name its pool sets.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@SpringBootTest(classes = ConnectionLostTests.ConnectionLostApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/test",
				"spring.datasource.username=postgres", "spring.datasource.hikari.maximum-pool-size=2",
				"traffic-guard.rate-limit.enabled=false", "management.endpoints.web.exposure.include=trafficguard",
				"server.address=127.0.0.1" })
class ConnectionLostTests {

	private static final String APPLICATION_NAME = "tg-connection-lost-" + UUID.randomUUID();

	private static final Duration WAIT = Duration.ofSeconds(30);

	/**
	 * The backend process id of the connection the holding request uses.
	 */
	static final SynchronousQueue<Integer> backends = new SynchronousQueue<>();

	static volatile CountDownLatch release = new CountDownLatch(1);

	@LocalServerPort
	private int port;

	@Autowired
	private MeterRegistry meterRegistry;

	@Autowired
	private HikariDataSource dataSource;

	@Autowired
	private PlatformTransactionManager transactionManager;

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	@DynamicPropertySource
	static void applicationName(DynamicPropertyRegistry registry) {
		registry.add("spring.datasource.hikari.data-source-properties.ApplicationName", () -> APPLICATION_NAME);
	}

	@Test
	@Order(1)
	void connectionKilledBeforeCommitIsA503ProblemCountedAndLoggedOnceWithoutTrace(CapturedOutput output)
			throws Exception {
		assertThat(this.transactionManager).isInstanceOf(LostConnectionTransactionManager.class);
		double before = lost("server-closed");
		int logStart = output.getAll().length();
		release = new CountDownLatch(1);
		CompletableFuture<HttpResponse<String>> holding = this.client.sendAsync(get("/hold"),
				BodyHandlers.ofString());
		Integer backend = backends.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(backend).as("the holding request's backend").isNotNull();

		assertThat(terminate(backend)).isTrue();
		release.countDown();

		HttpResponse<String> response = holding.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		assertProblem(response, "/hold");
		assertThat(lost("server-closed")).isEqualTo(before + 1);
		// The first lost connection since startup: logged
		assertLoggedWithoutTrace(output.getAll().substring(logStart), 1);
		assertPoolServesAgain();
	}

	@Test
	@Order(2)
	void connectionKilledDuringAQueryIsA503ProblemAndTheRollbackIsNoError(CapturedOutput output) throws Exception {
		double before = lost("server-closed") + lost("connection-failure");
		int logStart = output.getAll().length();
		CompletableFuture<HttpResponse<String>> sleeping = this.client.sendAsync(get("/sleep"),
				BodyHandlers.ofString());
		Integer backend = backends.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(backend).as("the sleeping request's backend").isNotNull();
		await().atMost(WAIT).until(() -> isRunningSleep(backend));

		assertThat(terminate(backend)).isTrue();

		HttpResponse<String> response = sleeping.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		assertProblem(response, "/sleep");
		assertThat(lost("server-closed") + lost("connection-failure")).isEqualTo(before + 1);
		String log = output.getAll().substring(logStart);
		assertThat(log).doesNotContain("rollback exception").doesNotContain("JDBC rollback failed");
		// Within the interval of the first line: counted, not logged again
		assertLoggedWithoutTrace(log, 0);
		assertPoolServesAgain();
	}

	private void assertProblem(HttpResponse<String> response, String path) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
		JsonNode problem = JsonMapper.shared().readTree(response.body());
		assertThat(problem.get("status").asInt()).isEqualTo(503);
		assertThat(problem.get("detail").asString()).contains("database connection was lost");
		assertThat(problem.get("instance").asString()).isEqualTo(path);
	}

	private static void assertLoggedWithoutTrace(String log, int lines) {
		List<String> logged = Arrays.asList(log.split("\\R"));
		assertThat(logged).filteredOn((line) -> line.contains("Database connection lost")).hasSize(lines);
		assertThat(logged).noneMatch((line) -> line.contains(" ERROR "));
		assertThat(logged).noneMatch((line) -> line.startsWith("\tat ") || line.startsWith("Caused by:"));
	}

	private void assertPoolServesAgain() throws Exception {
		HttpResponse<String> next = this.client.send(get("/query"), BodyHandlers.ofString());
		assertThat(next.statusCode()).isEqualTo(200);
		await().atMost(WAIT).until(() -> this.dataSource.getHikariPoolMXBean().getActiveConnections() == 0);
		JsonNode section = JsonMapper.shared()
			.readTree(this.client.send(get("/actuator/trafficguard/datasource"), BodyHandlers.ofString()).body());
		assertThat(section.get("connections-lost").get("server-closed").asLong()
				+ section.get("connections-lost").get("connection-failure").asLong())
			.isEqualTo((long) (lost("server-closed") + lost("connection-failure")));
	}

	private double lost(String cause) {
		return this.meterRegistry.get("traffic.guard.datasource.connection.lost")
			.tag("cause", cause)
			.functionCounter()
			.count();
	}

	/**
	 * Terminate one backend of this test's own pool, never anyone else's.
	 */
	private static boolean terminate(int pid) throws SQLException {
		try (Connection connection = admin();
				PreparedStatement statement = connection.prepareStatement(
						"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = ? AND application_name = ?")) {
			statement.setInt(1, pid);
			statement.setString(2, APPLICATION_NAME);
			try (ResultSet result = statement.executeQuery()) {
				return result.next() && result.getBoolean(1);
			}
		}
	}

	private static boolean isRunningSleep(int pid) throws SQLException {
		try (Connection connection = admin();
				PreparedStatement statement = connection.prepareStatement("SELECT 1 FROM pg_stat_activity"
						+ " WHERE pid = ? AND application_name = ? AND state = 'active' AND query LIKE '%pg_sleep%'")) {
			statement.setInt(1, pid);
			statement.setString(2, APPLICATION_NAME);
			try (ResultSet result = statement.executeQuery()) {
				return result.next();
			}
		}
	}

	private static Connection admin() throws SQLException {
		Properties properties = new Properties();
		properties.setProperty("user", "postgres");
		properties.setProperty("ApplicationName", APPLICATION_NAME + "-admin");
		return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", properties);
	}

	private HttpRequest get(String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).timeout(WAIT).build();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(HoldingController.class)
	static class ConnectionLostApplication {

	}

	@RestController
	static class HoldingController {

		private final JdbcTemplate jdbcTemplate;

		HoldingController(JdbcTemplate jdbcTemplate) {
			this.jdbcTemplate = jdbcTemplate;
		}

		@GetMapping("/hold")
		@Transactional
		String hold() throws InterruptedException {
			backends.put(this.jdbcTemplate.queryForObject("SELECT pg_backend_pid()", Integer.class));
			release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
			return "committed";
		}

		@GetMapping("/sleep")
		@Transactional
		String sleep() throws InterruptedException {
			backends.put(this.jdbcTemplate.queryForObject("SELECT pg_backend_pid()", Integer.class));
			this.jdbcTemplate.execute("SELECT pg_sleep(30)");
			return "slept";
		}

		@GetMapping("/query")
		Integer query() {
			return this.jdbcTemplate.queryForObject("SELECT 1", Integer.class);
		}

	}

}
