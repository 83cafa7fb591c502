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
		LocalRateLimitBackend backend = new LocalRateLimitBackend(List.of(rule), 1000);
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
	void keepsAtMostMaxClientsUnderAFloodOfDistinctAddresses() {
		RateLimitRule rule = rule(10);
		LocalRateLimitBackend backend = new LocalRateLimitBackend(List.of(rule), 100);
		for (int i = 0; i < 20_000; i++) {
			assertThat(backend.tryConsume(rule, "10." + (i >> 16) + "." + ((i >> 8) & 0xff) + "." + (i & 0xff))
				.isConsumed()).isTrue();
		}
		backend.cleanUp();
		assertThat(backend.trackedClients()).isLessThanOrEqualTo(100);
	}

	@Test
	void keepsEachClientsBucketApart() {
		RateLimitRule rule = rule(1);
		LocalRateLimitBackend backend = new LocalRateLimitBackend(List.of(rule), 100);
		assertThat(backend.tryConsume(rule, "a").isConsumed()).isTrue();
		assertThat(backend.tryConsume(rule, "a").isConsumed()).isFalse();
		assertThat(backend.tryConsume(rule, "b").isConsumed()).isTrue();
	}

	private RateLimitRule rule(long capacity) {
		return new RateLimitRule("test", 0, List.of("/**"), List.of(), "ip",
				ClientKeys.forKey(null, null, this.addresses), capacity, 1, Duration.ofHours(1), "test:");
	}

}
