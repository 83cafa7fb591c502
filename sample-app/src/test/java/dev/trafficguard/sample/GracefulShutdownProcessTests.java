package dev.trafficguard.sample;

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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Real processes, real signals: the sample application runs as a separate JVM under
 * concurrent load on loopback and gets SIGTERM.
 * <p>
 * The load behaves as a load balancer does: it keeps sending new requests after readiness
 * went down, and stops routing a moment later, well within the pre-stop delay. Requests
 * that arrive exactly as the server stops accepting are the pre-stop delay's reason to be:
 * Tomcat resets connections still in its accept backlog then, whatever the application does.
 */
class GracefulShutdownProcessTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final Pattern TIMELINE = Pattern
		.compile("Shutdown \\+(\\d+)ms (.+) (started|ended)(?: \\{(.*)\\})?$");

	private static final int WORKERS = 4;

	private static final int REQUESTS_AFTER_READINESS_DOWN = 5;

	private final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(10))
		.build();

	private final JsonMapper json = JsonMapper.builder().build();

	@Test
	void servesDuringThePreStopDelayDrainsEverythingAcceptedAndExits() throws Exception {
		try (SampleProcess app = SampleProcess.start("--traffic-guard.shutdown.pre-stop-delay=4s",
				"--traffic-guard.shutdown.timeout=20s")) {
			// Long requests and fan-outs, in flight before SIGTERM and outliving the delay
			List<CompletableFuture<HttpResponse<String>>> accepted = new ArrayList<>();
			accepted.add(sendAsync(app, "/api/work?ms=9000"));
			accepted.add(sendAsync(app, "/api/work?ms=9000"));
			accepted.add(sendAsync(app, "/api/fanout?n=4&ms=8000"));
			// In flight: the three, and the request that asks
			await().atMost(WAIT).until(() -> inFlight(app) >= 4);

			// Steady load
			AtomicBoolean readinessDown = new AtomicBoolean();
			AtomicBoolean routing = new AtomicBoolean(true);
			CountDownLatch warmedUp = new CountDownLatch(WORKERS * 5);
			CountDownLatch servedWhileDown = new CountDownLatch(WORKERS * REQUESTS_AFTER_READINESS_DOWN);
			ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
			List<Thread> workers = new ArrayList<>();
			for (int i = 0; i < WORKERS; i++) {
				Thread worker = new Thread(() -> {
					int afterDown = 0;
					while (routing.get() && afterDown < REQUESTS_AFTER_READINESS_DOWN) {
						boolean down = readinessDown.get();
						Outcome outcome = send(app, "/api/work?ms=10", down);
						outcomes.add(outcome);
						warmedUp.countDown();
						if (down) {
							afterDown++;
							servedWhileDown.countDown();
						}
					}
				}, "load-" + i);
				worker.start();
				workers.add(worker);
			}
			assertThat(warmedUp.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
			assertThat(get(app, "/actuator/health/readiness").statusCode()).isEqualTo(200);

			app.terminate();

			// Readiness goes down while the server keeps serving new requests
			List<Integer> readiness = new ArrayList<>();
			await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> {
				int status = get(app, "/actuator/health/readiness").statusCode();
				readiness.add(status);
				return status == 503;
			});
			readinessDown.set(true);
			JsonNode section = this.json.readTree(get(app, "/actuator/trafficguard/shutdown").body());
			assertThat(section.path("state").asString()).isEqualTo("pre-stop-delay");
			assertThat(section.path("timeline").get(0).path("phase").asString()).isEqualTo("pre-stop-delay");
			// A long request that arrives during the delay and outlives it is served to the end
			accepted.add(sendAsync(app, "/api/work?ms=5000"));
			assertThat(servedWhileDown.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
			// The load balancer stops routing
			routing.set(false);
			for (Thread worker : workers) {
				worker.join(WAIT.toMillis());
			}

			// Once the delay is over, the server stops accepting
			app.awaitLine(Pattern.compile("Shutdown \\+\\d+ms requests started"), WAIT);
			await().atMost(WAIT).untilAsserted(() -> assertThatExceptionOfType(ConnectException.class)
				.isThrownBy(() -> connect(app.port())));

			// Everything accepted completes
			for (CompletableFuture<HttpResponse<String>> request : accepted) {
				HttpResponse<String> response = request.get(WAIT.toSeconds(), TimeUnit.SECONDS);
				assertThat(response.statusCode()).as(response.uri() + " " + response.body()).isEqualTo(200);
			}
			assertThat(accepted.get(2).get().body()).contains("task-0", "task-1", "task-2", "task-3");
			assertThat(outcomes).hasSizeGreaterThanOrEqualTo(WORKERS * (5 + REQUESTS_AFTER_READINESS_DOWN))
				.allSatisfy((outcome) -> assertThat(outcome.status()).as(outcome.toString()).isEqualTo(200));
			assertThat(outcomes.stream().filter(Outcome::afterReadinessDown))
				.hasSizeGreaterThanOrEqualTo(WORKERS * REQUESTS_AFTER_READINESS_DOWN);
			assertThat(readiness).last().isEqualTo(503);
			assertThat(readiness).allMatch((status) -> status == 200 || status == 503);

			// The process exits in time, conventionally
			assertThat(app.awaitExit(WAIT)).isIn(0, 143);
			app.awaitLogEnd();
			List<String> timeline = timeline(app.lines());
			assertThat(timeline).startsWith("pre-stop-delay started", "pre-stop-delay ended", "requests started",
					"requests ended");
			assertPhasesInOrder(timeline);
			// Then the executors drain, the HTTP client pool closes and the database pool last
			assertThat(timeline).containsSubsequence("requests ended", "executor applicationTaskExecutor started",
					"executor applicationTaskExecutor ended", "http-client pool started", "http-client pool ended",
					"datasource dataSource started", "datasource dataSource ended");
			Map<String, Long> drained = counts(app.lines(), "requests");
			assertThat(drained.get("requests-cut-off")).isZero();
			// The two long requests, the fan-out and the one that came during the delay
			assertThat(drained.get("requests-drained")).isGreaterThanOrEqualTo(4);
			assertThat(counts(app.lines(), "pre-stop-delay").get("requests-served"))
				.isGreaterThanOrEqualTo(WORKERS * REQUESTS_AFTER_READINESS_DOWN);
			assertThat(indexOf(app.lines(), "Commencing graceful shutdown"))
				.isGreaterThan(indexOf(app.lines(), "requests started"))
				.isLessThan(indexOf(app.lines(), "requests ended"));
		}
	}

	@Test
	void cutsOffARequestThatOutlivesTheTimeoutAndExitsDespiteASecondSigterm() throws Exception {
		try (SampleProcess app = SampleProcess.start("--traffic-guard.shutdown.pre-stop-delay=0s",
				"--traffic-guard.shutdown.timeout=1s")) {
			CompletableFuture<HttpResponse<String>> tooLong = sendAsync(app, "/api/work?ms=10000");
			await().atMost(WAIT).until(() -> inFlight(app) >= 2);

			app.terminate();
			app.awaitLine(Pattern.compile("Shutdown \\+\\d+ms pre-stop-delay started"), WAIT);
			app.terminate();

			assertThat(app.awaitExit(WAIT)).isIn(0, 143);
			assertThat(tooLong.handle((response, ex) -> (response != null) ? response.statusCode() : -1)
				.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isNotEqualTo(200);
			app.awaitLogEnd();
			assertThat(counts(app.lines(), "requests")).containsEntry("requests-drained", 0L)
				.containsEntry("requests-cut-off", 1L);
			assertThat(app.lines()).anyMatch((line) -> line.contains("WARN")
					&& line.contains("1 request still running after the shutdown timeout of 1s"));
			assertPhasesInOrder(timeline(app.lines()));
		}
	}

	/**
	 * The shutdown steps other parts of Traffic Guard add come after the request drain, and
	 * those known by name in the order executors, HTTP clients, data sources.
	 */
	private static void assertPhasesInOrder(List<String> timeline) {
		List<String> order = List.of("pre-stop-delay", "requests", "executor", "http", "datasource");
		int previous = -1;
		boolean requestsEnded = false;
		for (String entry : timeline) {
			int rank = -1;
			for (int i = 0; i < order.size(); i++) {
				if (entry.startsWith(order.get(i))) {
					rank = i;
				}
			}
			if (rank == -1) {
				assertThat(requestsEnded).as("'%s' after the request drain in %s", entry, timeline).isTrue();
				continue;
			}
			assertThat(rank).as("step of '%s' in %s", entry, timeline).isGreaterThanOrEqualTo(previous);
			previous = rank;
			requestsEnded = requestsEnded || entry.equals("requests ended");
		}
	}

	private static void connect(int port) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
		}
	}

	private static List<String> timeline(List<String> lines) {
		List<String> timeline = new ArrayList<>();
		for (String line : lines) {
			Matcher matcher = TIMELINE.matcher(line);
			if (matcher.find()) {
				timeline.add(matcher.group(2) + " " + matcher.group(3));
			}
		}
		return timeline;
	}

	private static Map<String, Long> counts(List<String> lines, String phase) {
		for (String line : lines) {
			Matcher matcher = TIMELINE.matcher(line);
			if (matcher.find() && matcher.group(2).equals(phase) && matcher.group(3).equals("ended")) {
				Map<String, Long> counts = new LinkedHashMap<>();
				for (String count : matcher.group(4).split(", ")) {
					String[] nameAndValue = count.split("=");
					counts.put(nameAndValue[0], Long.parseLong(nameAndValue[1]));
				}
				return counts;
			}
		}
		throw new AssertionError("No timeline entry '" + phase + " ended' in the log");
	}

	private static int indexOf(List<String> lines, String text) {
		for (int i = 0; i < lines.size(); i++) {
			if (lines.get(i).contains(text)) {
				return i;
			}
		}
		throw new AssertionError("No log line containing '" + text + "'");
	}

	private long inFlight(SampleProcess app) throws IOException, InterruptedException {
		return this.json.readTree(get(app, "/actuator/trafficguard/shutdown").body())
			.path("requests")
			.path("in-flight")
			.asLong();
	}

	private Outcome send(SampleProcess app, String path, boolean afterReadinessDown) {
		try {
			return new Outcome(path, afterReadinessDown, get(app, path).statusCode(), null);
		}
		catch (IOException ex) {
			return new Outcome(path, afterReadinessDown, -1, ex.toString());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new Outcome(path, afterReadinessDown, -1, ex.toString());
		}
	}

	private HttpResponse<String> get(SampleProcess app, String path) throws IOException, InterruptedException {
		return this.client.send(request(app, path), BodyHandlers.ofString());
	}

	private CompletableFuture<HttpResponse<String>> sendAsync(SampleProcess app, String path) {
		return this.client.sendAsync(request(app, path), BodyHandlers.ofString());
	}

	private static HttpRequest request(SampleProcess app, String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path)).timeout(WAIT).build();
	}

	record Outcome(String path, boolean afterReadinessDown, int status, String error) {

	}

}
