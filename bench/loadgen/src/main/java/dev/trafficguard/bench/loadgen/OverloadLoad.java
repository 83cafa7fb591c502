package dev.trafficguard.bench.loadgen;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop overload load: a schedule of phases, each a fixed arrival rate for a number of
 * seconds, with every request's latency measured from its intended send time (no
 * coordinated omission). Answers are told apart: 2xx (goodput, "admitted"), 503 (shed),
 * other statuses, transport errors (refused, reset, timed out) and requests the generator
 * could not send because {@code max-in-flight} were outstanding (client-side pile-up).
 * <p>
 * Bounded: rate times duration requests per phase, at most {@code max-in-flight}
 * outstanding, a 10 s timeout per request, a hard end.
 * <p>
 * Usage: {@code java -cp loadgen.jar dev.trafficguard.bench.loadgen.OverloadLoad URL
 * RATE:SECONDS[,RATE:SECONDS...] [MAX_IN_FLIGHT]}. Prints one line per phase:
 * {@code phase rate seconds sent ok shed other transport unsent goodput admitted_p50_ms
 * admitted_p99_ms shed_p50_ms shed_p99_ms}, then one {@code total} line over all phases. The
 * wall-clock start of each phase goes to standard error as {@code PHASE n epoch_ms}.
 */
public final class OverloadLoad {

	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

	private static final int OK = 0;

	private static final int SHED = 1;

	private static final int OTHER = 2;

	private static final int TRANSPORT = 3;

	private static final int UNSENT = 4;

	private OverloadLoad() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length < 2) {
			System.err.println("usage: OverloadLoad URL RATE:SECONDS[,RATE:SECONDS...] [MAX_IN_FLIGHT]");
			System.exit(2);
		}
		URI uri = URI.create(args[0]);
		List<int[]> phases = new ArrayList<>();
		for (String phase : args[1].split(",")) {
			String[] parts = phase.split(":");
			int rate = Integer.parseInt(parts[0]);
			int seconds = Integer.parseInt(parts[1]);
			if (rate < 1 || rate > 100_000 || seconds < 1 || seconds > 600) {
				throw new IllegalArgumentException("rate 1..100000, duration 1..600 s");
			}
			phases.add(new int[] { rate, seconds });
		}
		int maxInFlight = (args.length > 2) ? Integer.parseInt(args[2]) : 4096;
		HttpClient client = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(2))
			.build();
		// Warm the generator's JIT and connections first at a low rate (not the server's
		// saturation point), unmeasured.
		run(client, uri, List.<int[]>of(new int[] { Math.min(200, phases.get(0)[0]), 2 }), maxInFlight, false);
		Phase[] results = run(client, uri, phases, maxInFlight, true);
		Phase total = Phase.merge(results);
		for (int i = 0; i < results.length; i++) {
			System.out.println(results[i].format(Integer.toString(i + 1)));
		}
		System.out.println(total.format("total"));
		System.exit(0);
	}

	static Phase[] run(HttpClient client, URI uri, List<int[]> schedule, int maxInFlight, boolean announce)
			throws InterruptedException {
		int total = 0;
		for (int[] phase : schedule) {
			total += phase[0] * phase[1];
		}
		Phase[] phases = new Phase[schedule.size()];
		Semaphore inFlight = new Semaphore(maxInFlight);
		CountDownLatch done = new CountDownLatch(total);
		HttpRequest request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build();
		long start = System.nanoTime();
		long phaseStart = start;
		for (int p = 0; p < phases.length; p++) {
			int rate = schedule.get(p)[0];
			int seconds = schedule.get(p)[1];
			Phase phase = new Phase(rate, seconds, rate * seconds);
			phases[p] = phase;
			if (announce) {
				// When each phase starts, in wall-clock milliseconds, to line up with samples
				// taken from the server meanwhile
				long wallClock = System.currentTimeMillis() + (phaseStart - System.nanoTime()) / 1_000_000;
				System.err.println("PHASE " + (p + 1) + " " + wallClock);
			}
			double intervalNanos = 1_000_000_000.0 / rate;
			for (int i = 0; i < phase.sent; i++) {
				long intended = phaseStart + (long) (i * intervalNanos);
				long wait;
				while ((wait = intended - System.nanoTime()) > 0) {
					LockSupport.parkNanos(wait);
				}
				int index = i;
				if (!inFlight.tryAcquire()) {
					phase.record(index, UNSENT, System.nanoTime() - intended);
					done.countDown();
					continue;
				}
				client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
					long latency = System.nanoTime() - intended;
					int outcome;
					if (failure != null) {
						outcome = TRANSPORT;
						phase.transportError(failure);
					}
					else if (response.statusCode() >= 200 && response.statusCode() < 300) {
						outcome = OK;
					}
					else if (response.statusCode() == 503) {
						outcome = SHED;
					}
					else {
						outcome = OTHER;
					}
					phase.record(index, outcome, latency);
					inFlight.release();
					done.countDown();
				});
			}
			phaseStart += seconds * 1_000_000_000L;
		}
		if (!done.await(REQUEST_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS)) {
			System.err.println("some requests did not finish in time; they count as transport errors");
		}
		return phases;
	}

	static final class Phase {

		final int rate;

		final int seconds;

		final int sent;

		final long[] latencies;

		final byte[] outcomes;

		final AtomicInteger connectErrors = new AtomicInteger();

		final AtomicInteger timeouts = new AtomicInteger();

		final AtomicInteger resets = new AtomicInteger();

		Phase(int rate, int seconds, int sent) {
			this.rate = rate;
			this.seconds = seconds;
			this.sent = sent;
			this.latencies = new long[sent];
			this.outcomes = new byte[sent];
			Arrays.fill(this.outcomes, (byte) TRANSPORT);
		}

		void record(int index, int outcome, long latency) {
			this.latencies[index] = latency;
			this.outcomes[index] = (byte) outcome;
		}

		void transportError(Throwable failure) {
			Throwable cause = (failure instanceof CompletionException && failure.getCause() != null)
					? failure.getCause() : failure;
			if (cause instanceof HttpConnectTimeoutException || cause instanceof ConnectException) {
				this.connectErrors.incrementAndGet();
			}
			else if (cause instanceof HttpTimeoutException) {
				this.timeouts.incrementAndGet();
			}
			else if (cause instanceof IOException) {
				this.resets.incrementAndGet();
			}
		}

		static Phase merge(Phase[] phases) {
			int sent = 0;
			int seconds = 0;
			for (Phase phase : phases) {
				sent += phase.sent;
				seconds += phase.seconds;
			}
			Phase total = new Phase(sent / Math.max(1, seconds), seconds, sent);
			int offset = 0;
			for (Phase phase : phases) {
				System.arraycopy(phase.latencies, 0, total.latencies, offset, phase.sent);
				System.arraycopy(phase.outcomes, 0, total.outcomes, offset, phase.sent);
				total.connectErrors.addAndGet(phase.connectErrors.get());
				total.timeouts.addAndGet(phase.timeouts.get());
				total.resets.addAndGet(phase.resets.get());
				offset += phase.sent;
			}
			return total;
		}

		String format(String name) {
			int[] counts = new int[5];
			for (byte outcome : this.outcomes) {
				counts[outcome]++;
			}
			long[] admitted = select(OK, counts[OK]);
			long[] shed = select(SHED, counts[SHED]);
			return String.format(Locale.ROOT,
					"%s %d %d %d %d %d %d %d %d %.1f %.1f %.1f %.1f %.1f connect=%d timeout=%d reset=%d", name,
					this.rate, this.seconds, this.sent, counts[OK], counts[SHED], counts[OTHER], counts[TRANSPORT],
					counts[UNSENT], counts[OK] / (double) this.seconds, percentile(admitted, 50),
					percentile(admitted, 99), percentile(shed, 50), percentile(shed, 99), this.connectErrors.get(),
					this.timeouts.get(), this.resets.get());
		}

		private long[] select(int outcome, int count) {
			long[] selected = new long[count];
			int j = 0;
			for (int i = 0; i < this.sent; i++) {
				if (this.outcomes[i] == outcome) {
					selected[j++] = this.latencies[i];
				}
			}
			Arrays.sort(selected);
			return selected;
		}

		private static double percentile(long[] sorted, double percentile) {
			if (sorted.length == 0) {
				return 0;
			}
			int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
			return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
		}

	}

}
