package dev.trafficguard.executor;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.trafficguard.properties.TrafficGuardAutoConfiguration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link BoundedExecutor} on virtual threads ({@code spring.threads.virtual.enabled}).
 * They need JDK 21 or later and are skipped on older JDKs; CI runs them on a second JDK with
 * {@code -Dgroups=virtual-threads}.
 */
@Tag("virtual-threads")
@EnabledForJreRange(min = JRE.JAVA_21)
class VirtualThreadExecutorTests {

	private static final long WAIT = 30;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TrafficGuardAutoConfiguration.class,
				ExecutorAutoConfiguration.class, TaskExecutionAutoConfiguration.class))
		.withPropertyValues("spring.threads.virtual.enabled=true");

	@Test
	void runsTasksOnVirtualThreads() {
		this.contextRunner.run((context) -> {
			BoundedExecutor executor = context.getBean("applicationTaskExecutor", BoundedExecutor.class);
			assertThat(executor.getSettings().virtualThreads()).isTrue();
			assertThat(executor.submit(() -> isVirtual(Thread.currentThread()), Duration.ofMinutes(1))
				.get(WAIT, TimeUnit.SECONDS)).isTrue();
		});
	}

	@Test
	@SuppressWarnings("unchecked")
	void endpointAndSummaryShowOnlyTheSettingsThatApplyToVirtualThreads() {
		this.contextRunner.run((context) -> {
			ExecutorContributor contributor = context.getBean(ExecutorContributor.class);
			Map<String, Object> section = (Map<String, Object>) contributor.describe();
			assertThat(section).containsEntry("threads", "virtual").doesNotContainKey("virtual-threads-ignored");
			Map<String, Object> executors = (Map<String, Object>) section.get("executors");
			Map<String, Object> application = (Map<String, Object>) executors.get("applicationTaskExecutor");
			assertThat((Map<String, Object>) application.get("settings")).containsKey("max-size")
				.doesNotContainKey("core-size");
			assertThat(contributor.summary()).contains("tasks at once on virtual threads").doesNotContain("..");
		});
	}

	@Test
	void staysBoundedByItsConcurrencyLimitAndRefusesWhenFull() {
		this.contextRunner
			.withPropertyValues("traffic-guard.executor.max-size=2", "traffic-guard.executor.core-size=1",
					"traffic-guard.executor.queue-capacity=1")
			.run((context) -> {
				BoundedExecutor executor = context.getBean(BoundedExecutor.class);
				CountDownLatch running = new CountDownLatch(2);
				CountDownLatch release = new CountDownLatch(1);
				try {
					for (int i = 0; i < 3; i++) {
						executor.execute(() -> {
							running.countDown();
							try {
								release.await(WAIT, TimeUnit.SECONDS);
							}
							catch (InterruptedException ex) {
								Thread.currentThread().interrupt();
							}
						});
					}
					assertThat(running.await(WAIT, TimeUnit.SECONDS)).isTrue();
					assertThat(executor.getState().active()).isEqualTo(2);
					assertThat(executor.getState().queued()).isEqualTo(1);
					assertThatExceptionOfType(ExecutorFullException.class).isThrownBy(() -> executor.execute(() -> {
					}));
					assertThat(executor.getState().rejected()).isEqualTo(1);
				}
				finally {
					release.countDown();
				}
			});
	}

	@Test
	void queuedTaskPastItsDeadlineNeverRuns() {
		this.contextRunner.withPropertyValues("traffic-guard.executor.max-size=1", "traffic-guard.executor.core-size=1")
			.run((context) -> {
				BoundedExecutor executor = context.getBean(BoundedExecutor.class);
				CountDownLatch running = new CountDownLatch(1);
				CountDownLatch release = new CountDownLatch(1);
				executor.execute(() -> {
					running.countDown();
					try {
						release.await(WAIT, TimeUnit.SECONDS);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				});
				assertThat(running.await(WAIT, TimeUnit.SECONDS)).isTrue();
				AtomicBoolean ran = new AtomicBoolean();
				CompletableFuture<Boolean> late = executor.submit(() -> ran.getAndSet(true), Duration.ofMillis(50));
				assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> late.get(WAIT, TimeUnit.SECONDS))
					.havingCause()
					.isInstanceOf(DeadlineExceededException.class);
				release.countDown();
				executor.submit(() -> true, Duration.ofMinutes(1)).get(WAIT, TimeUnit.SECONDS);
				assertThat(ran).isFalse();
			});
	}

	@Test
	void maxSizeBelowTheCoreSizeIsAllowedAsTheCoreSizeDoesNotApply() {
		this.contextRunner
			.withPropertyValues("traffic-guard.executor.max-size=4", "traffic-guard.executor.pools.io.max-size=2")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean("applicationTaskExecutor", BoundedExecutor.class).getSettings().maxSize())
					.isEqualTo(4);
				assertThat(context.getBean("trafficGuardIoExecutor", BoundedExecutor.class).getSettings().maxSize())
					.isEqualTo(2);
			});
	}

	@Test
	void springConcurrencyLimitWins() {
		this.contextRunner.withPropertyValues("spring.task.execution.simple.concurrency-limit=3")
			.run((context) -> assertThat(context.getBean(BoundedExecutor.class).getSettings().maxSize()).isEqualTo(3));
	}

	@Test
	void unboundedSpringConcurrencyLimitFailsStartup() {
		this.contextRunner.withPropertyValues("spring.task.execution.simple.concurrency-limit=-1")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("spring.task.execution.simple.concurrency-limit=-1: must be between 1 and 10000"));
	}

	private static boolean isVirtual(Thread thread) throws ReflectiveOperationException {
		// Compiled for Java 17, where Thread.isVirtual() does not exist.
		return (boolean) Thread.class.getMethod("isVirtual").invoke(thread);
	}

}
