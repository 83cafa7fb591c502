package dev.trafficguard.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample app's {@code redis} profile: two instances on the real Redis at 127.0.0.1:6379
 * share one rate limit per client (under a key prefix of this test's own).
 */
class SampleRedisProfileTests {

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	private final String keyPrefix = "traffic-guard-sample-test:" + UUID.randomUUID() + ":";

	private final List<ConfigurableApplicationContext> instances = new ArrayList<>();

	@AfterEach
	void stopAndForget() {
		this.instances.forEach(ConfigurableApplicationContext::close);
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
	void twoInstancesShareOneLimit() throws Exception {
		String first = start();
		String second = start();
		// Count only once both decide in Redis (failing closed, a lost answer is a 503, never
		// an allowed request that would hide a limit that is not shared).
		for (String instance : List.of(first, second)) {
			await().atMost(Duration.ofSeconds(60))
				.until(() -> get(instance + "/actuator/health").body().contains("\"state\":\"UP\""));
		}
		// A burst of 3 for this client in all, not 3 per instance.
		assertThat(get(first + "/api/work").statusCode()).isEqualTo(200);
		assertThat(get(second + "/api/work").statusCode()).isEqualTo(200);
		assertThat(get(first + "/api/work").statusCode()).isEqualTo(200);
		HttpResponse<String> limited = get(second + "/api/work");
		assertThat(limited.statusCode()).isEqualTo(429);
		assertThat(limited.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(get(first + "/api/work").statusCode()).isEqualTo(429);
		assertThat(get(first + "/actuator/trafficguard/rate-limit").body()).contains("\"redis\"");
		HttpResponse<String> health = get(second + "/actuator/health");
		assertThat(health.statusCode()).isEqualTo(200);
		assertThat(health.body()).contains("\"trafficGuardRateLimit\":{\"details\":{\"state\":\"UP\"")
			.contains("\"redis\":\"127.0.0.1:6379\"");
	}

	private String start() {
		// Arguments, as on the command line: they win over the sample's application.yml.
		ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
			.profiles("redis")
			.run("--server.port=0", "--server.address=127.0.0.1", "--spring.main.banner-mode=off",
					"--traffic-guard.rate-limit.redis-key-prefix=" + this.keyPrefix,
					// Generous for a loaded machine: the default 50ms is for production.
					"--traffic-guard.rate-limit.redis-timeout=10s", "--traffic-guard.rate-limit.failure-mode=closed",
					"--traffic-guard.rate-limit.rules.default.capacity=3",
					"--traffic-guard.rate-limit.rules.default.refill-tokens=3",
					"--traffic-guard.rate-limit.rules.default.refill-period=1h");
		this.instances.add(context);
		return "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
	}

	private HttpResponse<String> get(String uri) throws IOException, InterruptedException {
		return this.http.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
