package dev.trafficguard.audit;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.http.client.ClientHttpRequestFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClientBuildCounter}.
 */
class ClientBuildCounterTests {

	@Test
	void remembersClientsBuiltBeforeTheAuditAndOnlyCountsThoseBuiltAfter() {
		ClientBuildCounter counter = new ClientBuildCounter(5);
		ClientHttpRequestFactoryBuilder<?> builder = counter.customize(ClientHttpRequestFactoryBuilder.simple());
		ClientHttpRequestFactory atStartup = builder.build();
		assertThat(counter.builtByBoot(atStartup)).isTrue();
		assertThat(counter.builtSinceStartup()).isZero();
		counter.startCounting((finding) -> {
		});
		ClientHttpRequestFactory later = builder.build();
		assertThat(counter.builtByBoot(later)).isFalse();
		assertThat(counter.builtAtStartup()).isEmpty();
		assertThat(counter.builtSinceStartup()).isOne();
	}

	@Test
	void clientsBuiltConcurrentlyPastTheThresholdAreReportedExactlyOnce() throws Exception {
		int threads = 8;
		int buildsPerThread = 25;
		ClientBuildCounter counter = new ClientBuildCounter(50);
		ClientHttpRequestFactoryBuilder<?> builder = counter.customize(ClientHttpRequestFactoryBuilder.simple());
		List<Finding> reported = new CopyOnWriteArrayList<>();
		counter.startCounting(reported::add);
		CyclicBarrier start = new CyclicBarrier(threads);
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<?>> builds = new java.util.ArrayList<>();
			for (int i = 0; i < threads; i++) {
				builds.add(pool.submit(() -> {
					start.await();
					for (int build = 0; build < buildsPerThread; build++) {
						builder.build();
					}
					return null;
				}));
			}
			for (Future<?> build : builds) {
				build.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(counter.builtSinceStartup()).isEqualTo(threads * buildsPerThread);
		assertThat(reported).singleElement().satisfies((finding) -> {
			assertThat(finding.id()).isEqualTo("http-client.built-per-request");
			assertThat(finding.why()).startsWith("50 built since startup");
		});
	}

}
