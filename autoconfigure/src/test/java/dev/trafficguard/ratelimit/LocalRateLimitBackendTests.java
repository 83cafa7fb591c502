package dev.trafficguard.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.trafficguard.web.ClientAddressResolver;
import io.github.bucket4j.ConsumptionProbe;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LocalRateLimitBackend}.
 */
class LocalRateLimitBackendTests {

	private final ClientAddressResolver addresses = ClientAddressResolver.trusting(List.of());

	@Test
	void concurrentRequestsOfOneClientTakeExactlyTheBurst() throws Exception {
		RateLimitRule rule = rule(50);
		LocalRateLimitBackend backend = new LocalRateLimitBackend(List.of(rule), 1000, Long.MAX_VALUE / 2);
		int threads = 8;
		int perThread = 20;
		CyclicBarrier start = new CyclicBarrier(threads);
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			List<Future<Integer>> consumed = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				consumed.add(executor.submit(() -> {
					start.await(30, TimeUnit.SECONDS);
					int count = 0;
					for (int i = 0; i < perThread; i++) {
						ConsumptionProbe probe = backend.tryConsume(rule, "198.51.100.1");
						count += probe.isConsumed() ? 1 : 0;
					}
					return count;
				}));
			}
			int total = 0;
			for (Future<Integer> future : consumed) {
				total += future.get(60, TimeUnit.SECONDS);
			}
			assertThat(total).isEqualTo(50);
			assertThat(backend.trackedClients()).isEqualTo(1);
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void newClientsOfAFullTableShareOneOverflowBucketAndTrackedClientsKeepTheirs() {
		RateLimitRule rule = rule(10);
		LocalRateLimitBackend backend = new LocalRateLimitBackend(List.of(rule), 100, Long.MAX_VALUE / 2);
		assertThat(backend.tryConsume(rule, "tracked").isConsumed()).isTrue();
		int consumed = 0;
		for (int i = 0; i < 20_000; i++) {
			String key = "10." + (i >> 16) + "." + ((i >> 8) & 0xff) + "." + (i & 0xff);
			consumed += backend.tryConsume(rule, key).isConsumed() ? 1 : 0;
		}
		backend.cleanUp();
		assertThat(backend.trackedClients()).isLessThanOrEqualTo(100);
		assertThat(backend.maxClients(rule)).isEqualTo(100);
		// 99 clients got a bucket of their own, every later one shared the overflow bucket of 10
		assertThat(consumed).isEqualTo(99 + 10);
		assertThat(rule.overflow.sum()).isEqualTo(20_000 - 99);
		// A client tracked before the flood still has its own bucket
		assertThat(backend.tryConsume(rule, "tracked").isConsumed()).isTrue();
		backend.close();
	}

	@Test
	void derivesEachRulesMostClientsFromTheMemoryBudget() {
		long perClient = LocalRateLimitBackend.bytesPerClient();
		assertThat(LocalRateLimitBackend.maxClientsPerRule(perClient * 1000 * 2, 2, 1_000_000)).isEqualTo(1000);
		assertThat(LocalRateLimitBackend.maxClientsPerRule(perClient * 1000 * 2, 2, 10)).isEqualTo(10);
		assertThat(LocalRateLimitBackend.maxClientsPerRule(1, 3, 1_000_000)).isEqualTo(1);
	}

	@Test
	void keepsLongKeysAsAFixedSizeHash() {
		RateLimitRule rule = rule(1);
		LocalRateLimitBackend backend = new LocalRateLimitBackend(List.of(rule), 100, Long.MAX_VALUE / 2);
		String longKey = "k".repeat(10_000);
		assertThat(backend.tryConsume(rule, longKey).isConsumed()).isTrue();
		assertThat(backend.tryConsume(rule, "k".repeat(10_000)).isConsumed()).isFalse();
		assertThat(backend.tryConsume(rule, "k".repeat(9_999) + "j").isConsumed()).isTrue();
		assertThat(BucketKey.of("a", 1, 2)).isEqualTo(BucketKey.of("a", 1, 2))
			.isNotEqualTo(BucketKey.of("a", 1, 3))
			.isNotEqualTo(BucketKey.of("b", 1, 2));
		backend.close();
	}

	@Test
	void keepsEachClientsBucketApart() {
		RateLimitRule rule = rule(1);
		LocalRateLimitBackend backend = new LocalRateLimitBackend(List.of(rule), 100, Long.MAX_VALUE / 2);
		assertThat(backend.tryConsume(rule, "a").isConsumed()).isTrue();
		assertThat(backend.tryConsume(rule, "a").isConsumed()).isFalse();
		assertThat(backend.tryConsume(rule, "b").isConsumed()).isTrue();
	}

	private RateLimitRule rule(long capacity) {
		return new RateLimitRule("test", 0, List.of("/**"), List.of(), "ip",
				ClientKeys.forKey(null, null, this.addresses, 64), capacity, 1, Duration.ofHours(1), "test:");
	}

}
