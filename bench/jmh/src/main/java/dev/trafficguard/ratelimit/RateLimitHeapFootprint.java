package dev.trafficguard.ratelimit;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.List;

import dev.trafficguard.web.ClientAddressResolver;

/**
 * Measures the heap the local backend keeps per tracked client: the live heap after a full
 * GC with N distinct client addresses tracked by the default rule, minus the live heap with
 * none. Counts everything a client retains: the Caffeine entry, the hashed key and the
 * bucket4j bucket. The figure is {@code LocalRateLimitBackend.bytesPerClient()}, from which
 * each rule's share of {@code max-memory} becomes its most tracked clients. The key's length
 * does not matter: only its 128-bit hash is kept.
 * <p>
 * Run (after building bench/jmh):
 * {@code java -Xms3g -Xmx3g -XX:+UseSerialGC -cp "$cp" dev.trafficguard.ratelimit.RateLimitHeapFootprint 1000000}.
 */
public final class RateLimitHeapFootprint {

	private RateLimitHeapFootprint() {
	}

	public static void main(String[] args) {
		int clients = (args.length > 0) ? Integer.parseInt(args[0]) : 1_000_000;
		ClientAddressResolver addresses = ClientAddressResolver.trusting(List.of());
		// The default rule's burst of 200, refilled over an hour rather than 2 seconds, so that
		// no bucket expires while a million are created: a bucket's size does not depend on
		// its refill rate.
		RateLimitRule rule = new RateLimitRule("default", 0, List.of("/**"), List.of(), "ip",
				ClientKeys.forKey(null, null, addresses, 64), 200, 100, Duration.ofMinutes(30), "bench:");
		// A budget out of reach, so that every client offered is tracked
		LocalRateLimitBackend backend = new LocalRateLimitBackend(List.of(rule), clients, Long.MAX_VALUE / 2);
		// Warm the classes and the cache's structures up, then forget that client.
		backend.tryConsume(rule, "192.0.2.1");
		long before = liveHeap();
		for (int i = 0; i < clients; i++) {
			// Distinct addresses built afresh, as a server would from each connection.
			String key = new StringBuilder(15).append(10)
				.append('.')
				.append((i >>> 16) & 0xff)
				.append('.')
				.append((i >>> 8) & 0xff)
				.append('.')
				.append(i & 0xff)
				.toString();
			backend.tryConsume(rule, key);
		}
		backend.cleanUp();
		long after = liveHeap();
		long tracked = backend.trackedClients();
		long total = after - before;
		System.out.printf("clients offered:   %,d%n", clients);
		System.out.printf("clients tracked:   %,d%n", tracked);
		System.out.printf("heap for them:     %,d bytes (%.1f MiB)%n", total, total / (1024.0 * 1024.0));
		System.out.printf("per tracked client: %.0f bytes%n", (double) total / Math.max(1, tracked));
		// Keep the backend reachable until after the measurement.
		System.out.println("(backend " + backend.name() + ")");
		System.out.printf("bytes per client in force: %d%n", LocalRateLimitBackend.bytesPerClient());
		backend.close();
	}

	private static long liveHeap() {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		long used = Long.MAX_VALUE;
		for (int i = 0; i < 5; i++) {
			System.gc();
			used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
		}
		return used;
	}

}
