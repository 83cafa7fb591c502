package dev.trafficguard.datasource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pool of one connection on the real PostgreSQL, held by one request: the next request
 * gets 503 {@code application/problem+json} with {@code Retry-After} once Traffic Guard's
 * {@code connection-timeout} has passed, however Spring wraps Hikari's exception, and the
 * rejection is counted, unless the response was already committed.
 */
@SpringBootTest(classes = PoolSaturationTests.SaturationApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/test",
				"spring.datasource.username=postgres", "spring.datasource.hikari.maximum-pool-size=1",
				"traffic-guard.rate-limit.enabled=false", "management.endpoints.web.exposure.include=trafficguard",
				"server.address=127.0.0.1" })
class PoolSaturationTests {

	static final CountDownLatch held = new CountDownLatch(1);

	static final CountDownLatch release = new CountDownLatch(1);

	@LocalServerPort
	private int port;

	@Autowired
	private MeterRegistry meterRegistry;

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	@AfterEach
	void releaseTheConnection() {
		release.countDown();
	}

	@Test
	void saturatedPoolAnswers503ProblemWithRetryAfterWithinTheConnectionTimeoutAndCountsIt() throws Exception {
		double rejectedBefore = rejected();
		CompletableFuture<HttpResponse<String>> holder = this.client.sendAsync(get("/hold"), BodyHandlers.ofString());
		assertThat(held.await(30, TimeUnit.SECONDS)).as("the holding request has the connection").isTrue();

		long start = System.nanoTime();
		HttpResponse<String> rejected = this.client.send(get("/query"), BodyHandlers.ofString());
		Duration waited = Duration.ofNanos(System.nanoTime() - start);
		assertThat(rejected.statusCode()).isEqualTo(503);
		assertThat(rejected.headers().firstValue("Content-Type")).hasValueSatisfying(
				(contentType) -> assertThat(contentType).startsWith("application/problem+json"));
		assertThat(rejected.headers().firstValue("Retry-After")).hasValue("1");
		JsonNode problem = JsonMapper.shared().readTree(rejected.body());
		assertThat(problem.get("status").asInt()).isEqualTo(503);
		assertThat(problem.get("instance").asString()).isEqualTo("/query");
		// It waited for Traffic Guard's connection-timeout (2s), far less than Hikari's 30s.
		assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(1900)).isLessThan(Duration.ofSeconds(25));

		HttpResponse<String> rejectedInTransaction = this.client.send(get("/transaction"), BodyHandlers.ofString());
		assertThat(rejectedInTransaction.statusCode()).isEqualTo(503);
		assertThat(rejectedInTransaction.headers().firstValue("Retry-After")).hasValue("1");

		// A request whose answer is already on its way cannot be answered 503: not counted
		HttpResponse<String> streamed = this.client.send(get("/streamed"), BodyHandlers.ofString());
		assertThat(streamed.statusCode()).isEqualTo(200);
		assertThat(streamed.body()).isEqualTo("partial");

		assertThat(rejected()).isEqualTo(rejectedBefore + 2);
		JsonNode section = JsonMapper.shared()
			.readTree(this.client.send(get("/actuator/trafficguard/datasource"), BodyHandlers.ofString()).body());
		assertThat(section.get("rejected").asLong()).isEqualTo((long) rejectedBefore + 2);
		JsonNode pool = section.get("pools").get("dataSource");
		assertThat(pool.get("connections").get("active").asInt()).isEqualTo(1);
		assertThat(pool.get("settings").get("maximum-pool-size").get("source").asString()).isEqualTo("user");
		assertThat(pool.get("settings").get("connection-timeout").get("value").asLong()).isEqualTo(2000);
		assertThat(pool.get("settings").get("connection-timeout").get("source").asString())
			.isEqualTo("traffic-guard");
		assertThat(pool.get("connection-limit").get("status").asString()).isEqualTo("ok");
		assertThat(pool.get("connection-limit").get("max-connections").asInt()).isPositive();

		release.countDown();
		assertThat(holder.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		assertThat(this.client.send(get("/query"), BodyHandlers.ofString()).statusCode()).isEqualTo(200);
		assertThat(this.meterRegistry.find("hikaricp.connections.max").gauge()).isNotNull();
	}

	private double rejected() {
		return this.meterRegistry.get("traffic.guard.datasource.rejected").functionCounter().count();
	}

	private HttpRequest get(String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(60))
			.build();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(HoldingController.class)
	static class SaturationApplication {

	}

	@RestController
	static class HoldingController {

		private final JdbcTemplate jdbcTemplate;

		private final TransactionTemplate transactionTemplate;

		HoldingController(JdbcTemplate jdbcTemplate, TransactionTemplate transactionTemplate) {
			this.jdbcTemplate = jdbcTemplate;
			this.transactionTemplate = transactionTemplate;
		}

		@GetMapping("/hold")
		String hold() {
			return this.jdbcTemplate.execute((ConnectionCallback<String>) (connection) -> {
				held.countDown();
				try {
					release.await(60, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				return "released";
			});
		}

		@GetMapping("/query")
		Integer query() {
			return this.jdbcTemplate.queryForObject("SELECT 1", Integer.class);
		}

		@GetMapping("/streamed")
		void streamed(HttpServletResponse response) throws IOException {
			response.setContentLength(7);
			response.getWriter().write("partial");
			response.flushBuffer();
			this.jdbcTemplate.queryForObject("SELECT 1", Integer.class);
		}

		@GetMapping("/transaction")
		Integer transaction() {
			return this.transactionTemplate
				.execute((status) -> this.jdbcTemplate.queryForObject("SELECT 1", Integer.class));
		}

	}

}
