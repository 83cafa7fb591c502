package dev.trafficguard.shutdown;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.trafficguard.lifecycle.ShutdownTimeline;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * End-to-end tests of the shutdown sequence in an embedded Tomcat on a random port: the
 * context is closed as the JVM's shutdown hook would close it.
 */
class GracefulShutdownTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	private ConfigurableApplicationContext context;

	private int port;

	@AfterEach
	void releaseAndClose() {
		BlockingController.release.countDown();
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void servesDuringThePreStopDelayThenDrainsInFlightRequests() throws Exception {
		start("traffic-guard.shutdown.pre-stop-delay=4s", "traffic-guard.shutdown.timeout=30s");
		ShutdownTimeline timeline = this.context.getBean(ShutdownTimeline.class);
		RequestDrain drain = this.context.getBean(RequestDrain.class);
		CompletableFuture<HttpResponse<String>> blocked = sendAsync("/block");
		assertThat(BlockingController.entered.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

		Thread closer = new Thread(this.context::close, "closer");
		closer.start();

		// Readiness goes down at once, and the server still serves new requests
		await().atMost(WAIT)
			.pollInterval(Duration.ofMillis(20))
			.until(() -> get("/actuator/health/readiness").statusCode() == 503);
		assertThat(get("/hello").body()).isEqualTo("hello");
		HttpResponse<String> section = get("/actuator/trafficguard/shutdown");
		assertThat(section.statusCode()).isEqualTo(200);
		assertThat(section.body()).contains("\"state\":\"pre-stop-delay\"");

		// After the delay the server stops accepting, while the blocked request still runs
		await().atMost(WAIT).until(() -> phases(timeline).contains("requests started"));
		await().atMost(WAIT).untilAsserted(() -> assertThatExceptionOfType(ConnectException.class)
			.isThrownBy(() -> connect(this.port)));
		assertThat(blocked).isNotDone();

		BlockingController.release.countDown();
		HttpResponse<String> drained = blocked.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(drained.statusCode()).isEqualTo(200);
		assertThat(drained.body()).isEqualTo("done");
		closer.join(WAIT.toMillis());
		assertThat(closer.isAlive()).isFalse();

		assertThat(phases(timeline)).startsWith("pre-stop-delay started", "pre-stop-delay ended", "requests started",
				"requests ended");
		assertThat(counts(timeline, RequestDrain.PHASE))
			.isEqualTo(Map.of("requests-drained", 1L, "requests-cut-off", 0L));
		assertThat((Long) counts(timeline, PreStopDelay.PHASE).get("requests-served")).isGreaterThanOrEqualTo(3);
		assertThat(drain.drained()).isOne();
		assertThat(drain.cutOff()).isZero();
	}

	@Test
	void cutsOffAndCountsARequestThatOutlivesTheTimeout() throws Exception {
		start("traffic-guard.shutdown.timeout=500ms");
		ShutdownTimeline timeline = this.context.getBean(ShutdownTimeline.class);
		RequestDrain drain = this.context.getBean(RequestDrain.class);
		CompletableFuture<HttpResponse<String>> blocked = sendAsync("/block");
		assertThat(BlockingController.entered.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

		// Returns although the request never finishes by itself
		this.context.close();

		assertThat(phases(timeline)).startsWith("pre-stop-delay started", "pre-stop-delay ended", "requests started",
				"requests ended");
		assertThat(counts(timeline, RequestDrain.PHASE))
			.isEqualTo(Map.of("requests-drained", 0L, "requests-cut-off", 1L));
		assertThat(drain.cutOff()).isOne();
		HttpResponse<String> cutOff = blocked.exceptionally((ex) -> null).get(WAIT.toSeconds(), TimeUnit.SECONDS);
		if (cutOff != null) {
			assertThat(cutOff.statusCode()).isNotEqualTo(200);
		}
	}

	private void start(String... properties) {
		BlockingController.reset();
		this.context = new SpringApplicationBuilder(TestApplication.class, BlockingController.class).web(WebApplicationType.SERVLET)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"management.endpoints.web.exposure.include=health,trafficguard",
					"management.endpoint.health.probes.enabled=true")
			.properties(properties)
			.run();
		this.port = ((WebServerApplicationContext) this.context).getWebServer().getPort();
	}

	private HttpResponse<String> get(String path) throws IOException, InterruptedException {
		return this.client.send(request(path), BodyHandlers.ofString());
	}

	private CompletableFuture<HttpResponse<String>> sendAsync(String path) {
		return this.client.sendAsync(request(path), BodyHandlers.ofString());
	}

	private HttpRequest request(String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(WAIT)
			.build();
	}

	private static void connect(int port) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
		}
	}

	private static List<String> phases(ShutdownTimeline timeline) {
		return timeline.entries().stream().map((entry) -> entry.phase() + " " + entry.event()).toList();
	}

	private static Map<String, Object> counts(ShutdownTimeline timeline, String phase) {
		return timeline.entries()
			.stream()
			.filter((entry) -> entry.phase().equals(phase) && entry.event().equals("ended"))
			.findFirst()
			.orElseThrow()
			.counts();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

	}

	@RestController
	static class BlockingController {

		static volatile CountDownLatch entered = new CountDownLatch(1);

		static volatile CountDownLatch release = new CountDownLatch(1);

		static void reset() {
			entered = new CountDownLatch(1);
			release = new CountDownLatch(1);
		}

		@GetMapping("/block")
		String block() throws InterruptedException {
			entered.countDown();
			release.await(60, TimeUnit.SECONDS);
			return "done";
		}

		@GetMapping("/hello")
		String hello() {
			return "hello";
		}

	}

}
