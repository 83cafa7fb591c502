package dev.trafficguard.sample;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One client floods a rule keyed by a header with distinct keys, the attack that filled the
 * heap of an unbounded limiter: the sample app runs as a separate JVM with a small heap, and
 * the keys arrive pipelined on a few keep-alive connections, as fast as the app answers.
 * <p>
 * By default two million keys of 200 characters into a 256 MiB heap, against a rule with a
 * one-hour window, so that no bucket expires during the flood. Larger or smaller floods:
 * {@code -Dflood.keys=...} and {@code -Dflood.heap=...}. The figures it prints are recorded in
 * bench/README.md.
 */
class KeyFloodProcessTests {

	private static final int KEYS = Integer.getInteger("flood.keys", 2_000_000);

	private static final String HEAP = System.getProperty("flood.heap", "256m");

	private static final int CONNECTIONS = 4;

	private static final int WINDOW = 256;

	private static final int KEY_LENGTH = 200;

	private static final int CAPACITY = 100;

	private final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(10))
		.build();

	private final JsonMapper json = JsonMapper.builder().build();

	@Test
	void aFloodOfDistinctKeysLeavesTheAppHealthyWithItsHeapAndALegitimateClientServed() throws Exception {
		try (SampleProcess app = SampleProcess.start(
				List.of("-Xms" + HEAP, "-Xmx" + HEAP, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
				"--traffic-guard.rate-limit.enabled=true", "--server.tomcat.max-keep-alive-requests=-1",
				"--traffic-guard.rate-limit.rules.api.paths=/api/**",
				"--traffic-guard.rate-limit.rules.api.key=header:X-Api-Key",
				"--traffic-guard.rate-limit.rules.api.capacity=" + CAPACITY,
				"--traffic-guard.rate-limit.rules.api.refill-tokens=" + CAPACITY,
				"--traffic-guard.rate-limit.rules.api.refill-period=1h")) {
			// The legitimate client is known before the flood
			assertThat(get(app, "/api/work?ms=0", "legit").statusCode()).isEqualTo(200);

			long started = System.nanoTime();
			long[] statuses = flood(app.port(), KEYS);
			double seconds = (System.nanoTime() - started) / 1e9;
			System.out.printf("[key-flood] %,d keys in %.1f s (%,.0f req/s): %,d answered 200, %,d 429, %,d other%n",
					KEYS, seconds, KEYS / seconds, statuses[0], statuses[1], statuses[2]);
			assertThat(statuses[0] + statuses[1]).isEqualTo(KEYS);

			// Healthy
			HttpResponse<String> health = get(app, "/actuator/health/liveness", null);
			assertThat(health.statusCode()).isEqualTo(200);
			// UP, or DEGRADED (200) if a performance target judged the flood's own latency
			assertThat(get(app, "/actuator/health", null).body()).containsAnyOf("\"status\":\"UP\"",
					"\"status\":\"DEGRADED\"");

			// The flood was limited as one client: every key beyond the table shared one bucket
			JsonNode section = this.json.readTree(get(app, "/actuator/trafficguard/rate-limit", null).body());
			JsonNode api = rule(section, "api");
			long maxClients = api.path("maxClients").asLong();
			long tracked = api.path("trackedClients").asLong();
			long overflow = api.path("counts").path("overflow").asLong();
			System.out.printf("[key-flood] budget %s (%s), %d bytes per client: %,d clients per rule, %,d tracked, "
					+ "%,d requests through the overflow bucket%n", section.path("maxMemory").path("value").asString(),
					section.path("maxMemory").path("source").asString(),
					section.path("backendState").path("bytesPerClient").asLong(), maxClients, tracked, overflow);
			assertThat(tracked).isLessThanOrEqualTo(maxClients);
			assertThat(overflow).isGreaterThanOrEqualTo(KEYS - maxClients);
			// The overflow bucket's burst, and what it refilled during the flood (CAPACITY an hour)
			long refilled = (long) Math.ceil(CAPACITY * seconds / 3600) + 1;
			assertThat(statuses[0]).isLessThanOrEqualTo(maxClients + CAPACITY + refilled);
			// One WARN line a minute at most
			long warnings = app.lines().stream().filter((line) -> line.contains("tracks its most clients")).count();
			assertThat(warnings).isBetween(1L, 1 + (long) (seconds / 60) + 1);

			// The legitimate client is still served, at its own limit: the 99 tokens it left, and
			// what its bucket refilled during the flood, up to the burst
			int served = 0;
			while (served <= CAPACITY && get(app, "/api/work?ms=0", "legit").statusCode() == 200) {
				served++;
			}
			System.out.printf("[key-flood] the known client: %d more requests served, then 429%n", served);
			assertThat(served).isBetween(CAPACITY - 1, CAPACITY);

			// The heap after a full collection
			Process gc = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
					Long.toString(app.pid()), "GC.run")
				.redirectErrorStream(true)
				.start();
			gc.getInputStream().transferTo(OutputStream.nullOutputStream());
			assertThat(gc.waitFor(60, TimeUnit.SECONDS)).isTrue();
			double used = metric(app, "jvm.memory.used");
			double max = metric(app, "jvm.memory.max");
			System.out.printf("[key-flood] heap after GC: %.1f MiB of %.1f MiB (%.0f%%)%n", used / (1 << 20),
					max / (1 << 20), 100 * used / max);
			assertThat(used / max).isLessThan(0.60);
		}
	}

	private static JsonNode rule(JsonNode section, String name) {
		for (JsonNode rule : section.path("rules")) {
			if (rule.path("name").asString().equals(name)) {
				return rule;
			}
		}
		throw new IllegalStateException("No rule " + name + " in " + section);
	}

	private double metric(SampleProcess app, String name) throws Exception {
		JsonNode metric = this.json.readTree(get(app, "/actuator/metrics/" + name + "?tag=area:heap", null).body());
		return metric.path("measurements").get(0).path("value").asDouble();
	}

	private HttpResponse<String> get(SampleProcess app, String path, String apiKey) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
			.timeout(Duration.ofSeconds(30));
		if (apiKey != null) {
			request.header("X-Api-Key", apiKey);
		}
		return this.client.send(request.build(), BodyHandlers.ofString());
	}

	/**
	 * Send one HEAD request per key, pipelined on a few keep-alive connections with at most
	 * {@value #WINDOW} unanswered on each.
	 * @return the number of responses 200, 429 and other
	 */
	private static long[] flood(int port, int keys) throws Exception {
		AtomicLong ok = new AtomicLong();
		AtomicLong limited = new AtomicLong();
		AtomicLong other = new AtomicLong();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		List<Thread> threads = new ArrayList<>();
		List<Socket> sockets = new ArrayList<>();
		for (int c = 0; c < CONNECTIONS; c++) {
			int first = c;
			int count = keys / CONNECTIONS + ((c < keys % CONNECTIONS) ? 1 : 0);
			Socket socket = new Socket("127.0.0.1", port);
			socket.setTcpNoDelay(true);
			sockets.add(socket);
			Semaphore window = new Semaphore(WINDOW);
			Thread writer = new Thread(() -> {
				try {
					OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
					String padding = "k".repeat(KEY_LENGTH - 10);
					for (int i = 0; i < count; i++) {
						if (!window.tryAcquire()) {
							out.flush();
							window.acquire();
						}
						int key = first + i * CONNECTIONS;
						out.write(("HEAD /api/work?ms=0 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Api-Key: " + padding
								+ String.format("%010d", key) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
					}
					out.flush();
				}
				catch (Exception ex) {
					failure.compareAndSet(null, ex);
				}
			}, "flood-writer-" + c);
			Thread reader = new Thread(() -> {
				try {
					InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
					for (int i = 0; i < count; i++) {
						String status = line(in);
						if (status.startsWith("HTTP/1.1 200 ")) {
							ok.incrementAndGet();
						}
						else if (status.startsWith("HTTP/1.1 429 ")) {
							limited.incrementAndGet();
						}
						else {
							other.incrementAndGet();
						}
						while (!line(in).isEmpty()) {
							// the response's headers; a HEAD response has no body
						}
						window.release();
					}
				}
				catch (Exception ex) {
					failure.compareAndSet(null, ex);
				}
			}, "flood-reader-" + c);
			threads.add(writer);
			threads.add(reader);
		}
		threads.forEach(Thread::start);
		try {
			for (Thread thread : threads) {
				thread.join(TimeUnit.MINUTES.toMillis(30));
				assertThat(thread.isAlive()).as(thread.getName() + " finished").isFalse();
			}
		}
		finally {
			for (Socket socket : sockets) {
				socket.close();
			}
		}
		assertThat(failure.get()).isNull();
		return new long[] { ok.get(), limited.get(), other.get() };
	}

	private static String line(InputStream in) throws IOException {
		StringBuilder line = new StringBuilder(64);
		int c;
		while ((c = in.read()) != '\n') {
			if (c < 0) {
				throw new IOException("Connection closed by the server");
			}
			if (c != '\r') {
				line.append((char) c);
			}
		}
		return line.toString();
	}

}
