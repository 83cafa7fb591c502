package dev.trafficguard.targets;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * End-to-end tests of the performance targets: an embedded Tomcat on a random loopback port
 * whose requests are made slow or fast, and threads started and stopped, observed through
 * the health endpoint, the {@code targets} section and the gauges.
 */
@ExtendWith(OutputCaptureExtension.class)
class TargetsIntegrationTests {

	private static final String P99_WARNS = "Performance target p99-latency is past its warn level";

	private static final String P99_RECOVERS = "Performance target p99-latency is back under its warn level";

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	private final JsonMapper json = JsonMapper.builder().build();

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@AfterEach
	void close() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void slowRequestsPushP99PastItsWarnLevelAndFastOnesBringItBack(CapturedOutput output) throws Exception {
		// Slow is a second, the warn level half of it: a loaded machine does not make an
		// instant request look slow
		String base = start("traffic-guard.targets.window=10s", "traffic-guard.targets.p99-latency.goal=250ms",
				"traffic-guard.targets.p99-latency.warn=500ms", "traffic-guard.targets.p50-latency.warn=1h");
		JsonNode before = health(base, "/actuator/health/trafficGuardTargets");
		assertThat(before.get("status").asString()).isEqualTo("UP");
		assertThat(before.at("/details/targets/p99-latency/state").asString()).isEqualTo("NO_DATA");
		assertThat(before.at("/details/targets/p99-latency/goal").asDouble()).isEqualTo(250.0);
		assertThat(before.at("/details/targets/p99-latency/warn").asDouble()).isEqualTo(500.0);
		assertThat(before.at("/details/window").asString()).isEqualTo("10s");

		for (int i = 0; i < 3; i++) {
			assertThat(get(base + "/orders/" + i + "?ms=1000").statusCode()).isEqualTo(200);
		}
		JsonNode slow = health(base, "/actuator/health/trafficGuardTargets");
		assertThat(slow.get("status").asString()).isEqualTo("DEGRADED");
		assertThat(slow.at("/details/targets/p99-latency/state").asString()).isEqualTo("WARN");
		assertThat(slow.at("/details/targets/p99-latency/observed").asDouble()).isGreaterThan(500.0);
		assertThat(slow.at("/details/targets/p99-latency/unit").asString()).isEqualTo("ms");
		// The status is registered: the aggregate shows it, with 200
		HttpResponse<String> aggregate = get(base + "/actuator/health");
		assertThat(aggregate.statusCode()).isEqualTo(200);
		assertThat(this.json.readTree(aggregate.body()).get("status").asString()).isEqualTo("DEGRADED");
		JsonNode section = this.json.readTree(get(base + "/actuator/trafficguard/targets").body());
		assertThat(section.at("/targets/p99-latency/state").asString()).isEqualTo("WARN");
		assertThat(section.at("/slowestUris/0/uri").asString()).isEqualTo("/orders/{id}");
		assertThat(section.at("/slowestUris/0/p99").asDouble()).isGreaterThan(500.0);
		assertThat(section.at("/slowestUris/0/requests").asLong()).isEqualTo(3);
		assertThat(section.at("/settings/traffic-guard.targets.window/value").asString()).isEqualTo("10s");
		assertThat(section.at("/settings/traffic-guard.targets.window/source").asString()).isEqualTo("user");
		assertThat(section.at("/settings/traffic-guard.targets.live-threads.warn/source").asString())
			.isEqualTo("default");
		JsonNode state = this.json.readTree(
				get(base + "/actuator/metrics/traffic.guard.target.state?tag=target:p99-latency").body());
		assertThat(state.at("/measurements/0/value").asDouble()).isEqualTo(2.0);
		// Asked again: still one warning
		health(base, "/actuator/health/trafficGuardTargets");
		assertThat(count(output.getOut(), P99_WARNS)).isEqualTo(1);

		// Fast requests while the slow ones leave the window
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
			assertThat(get(base + "/orders/1?ms=0").statusCode()).isEqualTo(200);
			assertThat(health(base, "/actuator/health/trafficGuardTargets").get("status").asString())
				.isEqualTo("UP");
		});
		assertThat(health(base, "/actuator/health").get("status").asString()).isEqualTo("UP");
		assertThat(count(output.getOut(), P99_WARNS)).isEqualTo(1);
		assertThat(count(output.getOut(), P99_RECOVERS)).isEqualTo(1);
	}

	@Test
	void threadsPastTheWarnLevelDegradeHealthUntilTheyEnd() throws Exception {
		int warn = ManagementFactory.getThreadMXBean().getThreadCount() + 200;
		String base = start("traffic-guard.targets.live-threads.goal=1",
				"traffic-guard.targets.live-threads.warn=" + warn);
		JsonNode before = health(base, "/actuator/health/trafficGuardTargets");
		assertThat(before.get("status").asString()).isEqualTo("UP");
		assertThat(before.at("/details/targets/live-threads/state").asString()).isEqualTo("ABOVE_GOAL");
		CountDownLatch release = new CountDownLatch(1);
		List<Thread> threads = new ArrayList<>();
		try {
			for (int i = 0; i < 300; i++) {
				Thread thread = new Thread(() -> {
					try {
						release.await();
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}, "pile-up-" + i);
				thread.start();
				threads.add(thread);
			}
			JsonNode piledUp = health(base, "/actuator/health/trafficGuardTargets");
			assertThat(piledUp.get("status").asString()).isEqualTo("DEGRADED");
			assertThat(piledUp.at("/details/targets/live-threads/state").asString()).isEqualTo("WARN");
			assertThat(piledUp.at("/details/targets/live-threads/observed").asDouble()).isGreaterThan(warn);
		}
		finally {
			release.countDown();
			for (Thread thread : threads) {
				thread.join();
			}
		}
		JsonNode after = health(base, "/actuator/health/trafficGuardTargets");
		assertThat(after.get("status").asString()).isEqualTo("UP");
		assertThat(after.at("/details/targets/live-threads/state").asString()).isEqualTo("ABOVE_GOAL");
	}

	@Test
	void actuatorRequestsAreNotTimedAndUnmatchedOnesCountApart() throws Exception {
		String base = start();
		for (int i = 0; i < 3; i++) {
			get(base + "/actuator/health");
			get(base + "/actuator/trafficguard");
		}
		get(base + "/no/such/path");
		JsonNode section = this.json.readTree(get(base + "/actuator/trafficguard/targets").body());
		assertThat(section.get("slowestUris")).hasSize(1);
		assertThat(section.at("/slowestUris/0/uri").asString()).isEqualTo("NOT_FOUND");
		assertThat(section.at("/slowestUris/0/requests").asLong()).isEqualTo(1);
	}

	@Test
	void aFloodOfRandomPathsCountsAsOneUri() throws Exception {
		String base = start();
		for (int i = 0; i < 300; i++) {
			get(base + "/random-" + Long.toHexString(Double.doubleToLongBits(Math.random())) + "/" + i);
		}
		// Looks like the actuator's base path, but is not under it
		get(base + "/actuatorx/health");
		JsonNode section = this.json.readTree(get(base + "/actuator/trafficguard/targets").body());
		assertThat(section.get("slowestUris")).hasSize(1);
		assertThat(section.at("/slowestUris/0/uri").asString()).isEqualTo("NOT_FOUND");
		assertThat(section.at("/slowestUris/0/requests").asLong()).isEqualTo(301);
	}

	@Test
	void manyUriPatternsShareOneBucketPastTheBound() throws Exception {
		String base = start("traffic-guard.targets.max-uris=2");
		get(base + "/orders/1?ms=0");
		get(base + "/customers/1");
		get(base + "/items/1");
		get(base + "/items/2");
		JsonNode section = this.json.readTree(get(base + "/actuator/trafficguard/targets").body());
		List<String> uris = new ArrayList<>();
		section.get("slowestUris").forEach((uri) -> uris.add(uri.get("uri").asString()));
		assertThat(uris).containsExactlyInAnyOrder("/orders/{id}", "/customers/{id}", "OTHER");
	}

	@Test
	void notInTheProbeGroups() throws Exception {
		String base = start("management.endpoint.health.probes.enabled=true",
				"traffic-guard.targets.live-threads.warn=1", "traffic-guard.targets.live-threads.goal=1");
		assertThat(health(base, "/actuator/health").get("status").asString()).isEqualTo("DEGRADED");
		assertThat(get(base + "/actuator/health/readiness").body()).doesNotContain("trafficGuardTargets");
		assertThat(health(base, "/actuator/health/readiness").get("status").asString()).isEqualTo("UP");
		assertThat(health(base, "/actuator/health/liveness").get("status").asString()).isEqualTo("UP");
	}

	private static int count(String text, String line) {
		int count = 0;
		for (int at = text.indexOf(line); at >= 0; at = text.indexOf(line, at + 1)) {
			count++;
		}
		return count;
	}

	private JsonNode health(String base, String path) throws IOException, InterruptedException {
		HttpResponse<String> response = get(base + path);
		assertThat(response.statusCode()).isEqualTo(200);
		return this.json.readTree(response.body());
	}

	private String start(String... properties) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"management.endpoints.web.exposure.include=health,trafficguard,metrics",
					"management.endpoint.health.show-details=always", "management.health.redis.enabled=false",
					"management.health.diskspace.enabled=false", "traffic-guard.rate-limit.enabled=false",
					"traffic-guard.targets.gc-pause.enabled=false", "traffic-guard.targets.heap-growth.enabled=false")
			.properties(properties)
			.run();
		this.contexts.add(context);
		return "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
	}

	private HttpResponse<String> get(String uri) throws IOException, InterruptedException {
		return this.http.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@RestController
	static class TestApplication {

		@GetMapping("/orders/{id}")
		String order(@PathVariable String id, @RequestParam long ms) throws InterruptedException {
			if (ms > 0) {
				// The server is made slow on purpose: this is what the target observes
				Thread.sleep(ms);
			}
			return id;
		}

		@GetMapping("/customers/{id}")
		String customer(@PathVariable String id) {
			return id;
		}

		@GetMapping("/items/{id}")
		String item(@PathVariable String id) {
			return id;
		}

	}

}
