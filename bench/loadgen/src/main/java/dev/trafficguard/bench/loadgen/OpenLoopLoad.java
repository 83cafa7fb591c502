package dev.trafficguard.bench.loadgen;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop load at a fixed arrival rate. Request {@code i} is due at
 * {@code start + i / rate}; its latency is measured from that intended send time, not from
 * when it was actually sent, so a server that stalls is charged for every request that
 * queued behind the stall (no coordinated omission).
 * <p>
 * Bounded in every way: a fixed number of requests (rate times duration), at most
 * {@code max-in-flight} outstanding (a request that finds no room is counted as an error
 * with its full wait), a per-request timeout, and a hard end.
 * <p>
 * The generator first runs up to 3 unmeasured seconds at the same rate to warm itself up.
 * <p>
 * Usage: {@code java -jar loadgen.jar URL RATE_PER_SECOND DURATION_SECONDS [MAX_IN_FLIGHT]}.
 * Prints one line: {@code sent ok errors p50_ms p99_ms p999_ms max_ms achieved_rate}.
 */
public final class OpenLoopLoad {

	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

	private OpenLoopLoad() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length < 3) {
			System.err.println("usage: OpenLoopLoad URL RATE_PER_SECOND DURATION_SECONDS [MAX_IN_FLIGHT]");
			System.exit(2);
		}
		URI uri = URI.create(args[0]);
		int rate = Integer.parseInt(args[1]);
		int seconds = Integer.parseInt(args[2]);
		int maxInFlight = (args.length > 3) ? Integer.parseInt(args[3]) : 512;
		if (rate < 1 || rate > 100_000 || seconds < 1 || seconds > 600 || maxInFlight < 1) {
			throw new IllegalArgumentException("rate 1..100000, duration 1..600 s, max-in-flight >= 1");
		}
		// Warm the generator's own JIT and connections first, so its cold start is not
		// charged to the server; only the second run is measured.
		run(uri, rate, Math.min(3, seconds), maxInFlight);
		Result result = run(uri, rate, seconds, maxInFlight);
		System.out.println(result.format());
	}

	static Result run(URI uri, int rate, int seconds, int maxInFlight) throws InterruptedException {
		int total = rate * seconds;
		long[] latencies = new long[total];
		AtomicInteger ok = new AtomicInteger();
		AtomicInteger errors = new AtomicInteger();
		Semaphore inFlight = new Semaphore(maxInFlight);
		CountDownLatch done = new CountDownLatch(total);
		HttpClient client = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(2))
			.build();
		HttpRequest request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build();
		double intervalNanos = 1_000_000_000.0 / rate;
		long start = System.nanoTime();
		for (int i = 0; i < total; i++) {
			long intended = start + (long) (i * intervalNanos);
			long wait;
			while ((wait = intended - System.nanoTime()) > 0) {
				LockSupport.parkNanos(wait);
			}
			int index = i;
			if (!inFlight.tryAcquire()) {
				// No room: the client is saturated, which the server caused. Count it as an
				// error charged from its intended time to now.
				latencies[index] = System.nanoTime() - intended;
				errors.incrementAndGet();
				done.countDown();
				continue;
			}
			client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
				latencies[index] = System.nanoTime() - intended;
				if (failure == null && response.statusCode() < 400) {
					ok.incrementAndGet();
				}
				else {
					errors.incrementAndGet();
				}
				inFlight.release();
				done.countDown();
			});
		}
		boolean finishedInTime = done.await(REQUEST_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
		long end = System.nanoTime();
		double elapsedSeconds = (end - start) / 1e9;
		long[] sorted = latencies.clone();
		if (!finishedInTime) {
			System.err.println("some requests did not finish in time; they count as errors with their full wait");
			for (int i = 0; i < total; i++) {
				if (sorted[i] == 0) {
					sorted[i] = end - (start + (long) (i * intervalNanos));
				}
			}
		}
		Arrays.sort(sorted);
		int finished = ok.get() + errors.get();
		return new Result(total, ok.get(), errors.get() + (total - finished), percentile(sorted, 50),
				percentile(sorted, 99), percentile(sorted, 99.9), sorted[sorted.length - 1], finished / elapsedSeconds);
	}

	private static long percentile(long[] sorted, double percentile) {
		int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
	}

	record Result(int sent, int ok, int errors, long p50, long p99, long p999, long max, double achievedRate) {

		String format() {
			return String.format(Locale.ROOT, "%d %d %d %.3f %.3f %.3f %.3f %.1f", this.sent, this.ok, this.errors,
					this.p50 / 1e6, this.p99 / 1e6, this.p999 / 1e6, this.max / 1e6, this.achievedRate);
		}

	}

}
