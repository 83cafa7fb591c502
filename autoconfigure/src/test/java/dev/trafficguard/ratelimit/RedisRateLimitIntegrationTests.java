package dev.trafficguard.ratelimit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * End-to-end tests of the Redis backend: instances sharing one limit on the shared Redis at
 * 127.0.0.1:6379 (under a key prefix of their own), and the failure modes against a
 * {@code redis-server} this test starts, stops and restarts on a port of its own.
 */
class RedisRateLimitIntegrationTests {

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private final String keyPrefix = "traffic-guard-test:" + UUID.randomUUID() + ":";

	private Process redis;

	@AfterEach
	void close() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
		stopRedis();
		RedisClient client = RedisClient.create("redis://127.0.0.1:6379");
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			List<String> keys = connection.sync().keys(this.keyPrefix + "*");
			if (!keys.isEmpty()) {
				connection.sync().del(keys.toArray(String[]::new));
			}
		}
		finally {
			client.shutdown();
		}
	}

	@Test
	void twoInstancesShareOneLimitInRedis() throws Exception {
		String first = start(6379, "open");
		String second = start(6379, "open");
		// Each instance alone would allow a burst of 2: together they allow 2 in all.
		assertThat(get(first).statusCode()).isEqualTo(200);
		assertThat(get(second).statusCode()).isEqualTo(200);
		HttpResponse<String> limited = get(first);
		assertThat(limited.statusCode()).isEqualTo(429);
		assertThat(limited.headers().firstValue("RateLimit")).hasValueSatisfying(
				(value) -> assertThat(value).startsWith("\"default\";r=0;"));
		assertThat(get(second).statusCode()).isEqualTo(429);
		assertThat(get(first + "/actuator/health/trafficGuardRateLimit").body()).contains("\"status\":\"UP\"");
	}

	@Test
	void failsOpenWhileRedisIsDownAndGoesBackToRedisWhenItReturns() throws Exception {
		int port = freePort();
		startRedis(port);
		String base = start(port, "open");
		assertThat(get(base).statusCode()).isEqualTo(200);
		assertThat(get(base).statusCode()).isEqualTo(200);
		assertThat(get(base).statusCode()).isEqualTo(429);

		stopRedis();
		for (int i = 0; i < 5; i++) {
			assertThat(get(base).statusCode()).isEqualTo(200);
		}
		HttpResponse<String> health = get(base + "/actuator/health/trafficGuardRateLimit");
		assertThat(health.statusCode()).isEqualTo(200);
		assertThat(health.body()).contains("\"status\":\"DEGRADED\"").contains("\"failureMode\":\"open\"");
		HttpResponse<String> failOpen = get(base
				+ "/actuator/metrics/traffic.guard.ratelimit.requests?tag=rule:default&tag=outcome:fail-open");
		assertThat(failOpen.body()).contains("\"value\":5.0");

		startRedis(port);
		// The restarted Redis is empty: once decisions are back on it, the client's new
		// bucket empties after two requests.
		await().atMost(Duration.ofSeconds(30)).until(() -> get(base).statusCode() == 429);
		assertThat(get(base + "/actuator/health/trafficGuardRateLimit").body()).contains("\"status\":\"UP\"");
	}

	@Test
	void failsOpenWhenRedisIsTooSlowToAnswer() throws Exception {
		int port = freePort();
		startRedis(port);
		String base = start(port, "open", "traffic-guard.rate-limit.redis-timeout=300ms");
		await().atMost(Duration.ofSeconds(30)).until(() -> get(base).statusCode() == 429);
		// Redis stays connected but answers nothing for 5 seconds.
		Thread sleeper = new Thread(() -> send(port, "DEBUG SLEEP 5\r\n"));
		sleeper.start();
		try {
			await().atMost(Duration.ofSeconds(4)).until(() -> get(base).statusCode() == 200);
			HttpResponse<String> failOpen = get(base
					+ "/actuator/metrics/traffic.guard.ratelimit.requests?tag=rule:default&tag=outcome:fail-open");
			assertThat(failOpen.body()).doesNotContain("\"value\":0.0");
		}
		finally {
			sleeper.join(30_000);
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> get(base).statusCode() == 429);
	}

	@Test
	void failsClosedWith503WhileRedisIsDown() throws Exception {
		int port = freePort();
		startRedis(port);
		String base = start(port, "closed");
		assertThat(get(base).statusCode()).isEqualTo(200);

		stopRedis();
		HttpResponse<String> unavailable = get(base);
		assertThat(unavailable.statusCode()).isEqualTo(503);
		assertThat(unavailable.headers().firstValue("Content-Type")).hasValueSatisfying(
				(value) -> assertThat(value).startsWith("application/problem+json"));
		assertThat(unavailable.headers().firstValue("Retry-After")).hasValue("1");
		assertThat(unavailable.body()).contains("\"status\":503");
		// The actuator's own rule fails open: monitoring still works while Redis is down
		assertThat(get(base + "/actuator/metrics").statusCode()).isEqualTo(200);
		HttpResponse<String> health = get(base + "/actuator/health/trafficGuardRateLimit");
		assertThat(health.statusCode()).isEqualTo(503);
		assertThat(health.body()).contains("\"status\":\"DOWN\"");

		startRedis(port);
		await().atMost(Duration.ofSeconds(30)).until(() -> get(base).statusCode() == 200);
	}

	@Test
	void startsWhileRedisIsDownAndUsesItOnceItIsUp() throws Exception {
		int port = freePort();
		String base = start(port, "open");
		for (int i = 0; i < 3; i++) {
			assertThat(get(base).statusCode()).isEqualTo(200);
		}
		startRedis(port);
		await().atMost(Duration.ofSeconds(30)).until(() -> get(base).statusCode() == 429);
	}

	private String start(int redisPort, String failureMode, String... extraProperties) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"management.endpoints.web.exposure.include=health,metrics",
					"management.endpoint.health.show-details=always", "management.health.redis.enabled=false",
					"spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + redisPort,
					"traffic-guard.rate-limit.backend=redis", "traffic-guard.rate-limit.failure-mode=" + failureMode,
					// Generous for a loaded machine: the default 50ms is for production.
					"traffic-guard.rate-limit.redis-timeout=2s",
					"traffic-guard.rate-limit.redis-key-prefix=" + this.keyPrefix,
					"traffic-guard.rate-limit.rules.default.capacity=2",
					"traffic-guard.rate-limit.rules.default.refill-tokens=2",
					"traffic-guard.rate-limit.rules.default.refill-period=1h")
			.properties(extraProperties)
			.run();
		this.contexts.add(context);
		return "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
	}

	private void startRedis(int port) throws IOException {
		this.redis = new ProcessBuilder(RedisExecutables.find("redis-server"), "--port", Integer.toString(port),
				"--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--enable-debug-command",
				"local")
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		await().atMost(Duration.ofSeconds(30)).until(() -> ping(port));
	}

	private void stopRedis() {
		Process process = this.redis;
		if (process == null) {
			return;
		}
		this.redis = null;
		process.destroy();
		try {
			if (!process.waitFor(20, TimeUnit.SECONDS)) {
				process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void send(int port, String command) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
			socket.setSoTimeout(30_000);
			socket.getOutputStream().write(command.getBytes(StandardCharsets.US_ASCII));
			socket.getOutputStream().flush();
			socket.getInputStream().read();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static boolean ping(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
			socket.setSoTimeout(1000);
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			byte[] answer = new byte[7];
			int read = in.readNBytes(answer, 0, 7);
			return new String(answer, 0, read, StandardCharsets.US_ASCII).startsWith("+PONG");
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	private HttpResponse<String> get(String base) throws IOException, InterruptedException {
		String uri = base.contains("/actuator") ? base : base + "/api/hello";
		return this.http.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@RestController
	static class TestApplication {

		@GetMapping("/api/hello")
		String hello() {
			return "hello";
		}

	}

}
