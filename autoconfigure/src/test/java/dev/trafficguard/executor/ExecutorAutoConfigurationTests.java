package dev.trafficguard.executor;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.trafficguard.actuate.TrafficGuardContributor;
import dev.trafficguard.lifecycle.ShutdownPhases;
import dev.trafficguard.lifecycle.ShutdownTimeline;
import dev.trafficguard.properties.InvalidPropertyFailureAnalyzer;
import dev.trafficguard.properties.TrafficGuardAutoConfiguration;
import dev.trafficguard.test.TrafficGuardDefaultsInitializer;
import dev.trafficguard.web.Problem;
import dev.trafficguard.web.ProblemMapper;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.http.HttpStatus;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ExecutorAutoConfiguration}.
 */
class ExecutorAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TrafficGuardAutoConfiguration.class,
				ExecutorAutoConfiguration.class, TaskExecutionAutoConfiguration.class));

	@Test
	void applicationTaskExecutorIsBoundedByDefault() {
		int processors = Runtime.getRuntime().availableProcessors();
		this.contextRunner.withInitializer(new TrafficGuardDefaultsInitializer()).run((context) -> {
			assertThat(context).hasSingleBean(BoundedExecutor.class).doesNotHaveBean(ThreadPoolTaskExecutor.class);
			BoundedExecutor executor = context.getBean("applicationTaskExecutor", BoundedExecutor.class);
			ExecutorSettings settings = executor.getSettings();
			assertThat(settings.coreSize()).isEqualTo(Math.max(8, 2 * processors));
			assertThat(settings.maxSize()).isEqualTo(4 * settings.coreSize());
			assertThat(settings.queueCapacity()).isEqualTo(100 * settings.coreSize());
			assertThat(settings.submitTimeout()).isZero();
			assertThat(settings.awaitTermination()).isEqualTo(Duration.ofSeconds(30));
			assertThat(settings.threadNamePrefix()).isEqualTo("task-");
			assertThat(settings.virtualThreads()).isFalse();
			assertThat(context).hasSingleBean(ProblemMapper.class).hasSingleBean(ExecutorDrain.class);
		});
	}

	@Test
	void propertiesBind() {
		this.contextRunner
			.withPropertyValues("traffic-guard.executor.core-size=3", "traffic-guard.executor.max-size=5",
					"traffic-guard.executor.queue-capacity=7", "traffic-guard.executor.keep-alive=10s",
					"traffic-guard.executor.submit-timeout=250ms", "traffic-guard.executor.await-termination=5s")
			.run((context) -> assertThat(context.getBean(BoundedExecutor.class).getSettings()).satisfies((settings) -> {
				assertThat(settings.coreSize()).isEqualTo(3);
				assertThat(settings.maxSize()).isEqualTo(5);
				assertThat(settings.queueCapacity()).isEqualTo(7);
				assertThat(settings.keepAlive()).isEqualTo(Duration.ofSeconds(10));
				assertThat(settings.submitTimeout()).isEqualTo(Duration.ofMillis(250));
				assertThat(settings.awaitTermination()).isEqualTo(Duration.ofSeconds(5));
			}));
	}

	@Test
	void maxSizeAndQueueCapacityFollowTheCoreSizeSet() {
		this.contextRunner.withPropertyValues("traffic-guard.executor.core-size=2000")
			.run((context) -> assertThat(context.getBean(BoundedExecutor.class).getSettings()).satisfies((settings) -> {
				assertThat(settings.coreSize()).isEqualTo(2000);
				assertThat(settings.maxSize()).isEqualTo(8000);
				assertThat(settings.queueCapacity()).isEqualTo(200_000);
			}));
	}

	@Test
	void maxSizeAndQueueCapacityFollowSpringBootsCoreSize() {
		this.contextRunner.withPropertyValues("spring.task.execution.pool.core-size=2000")
			.run((context) -> assertThat(context.getBean(BoundedExecutor.class).getSettings()).satisfies((settings) -> {
				assertThat(settings.coreSize()).isEqualTo(2000);
				assertThat(settings.maxSize()).isEqualTo(8000);
				assertThat(settings.queueCapacity()).isEqualTo(200_000);
			}));
	}

	@Test
	void derivedMaxSizeAndQueueCapacityStayWithinTheirBounds() {
		this.contextRunner.withPropertyValues("traffic-guard.executor.core-size=10000")
			.run((context) -> assertThat(context.getBean(BoundedExecutor.class).getSettings()).satisfies((settings) -> {
				assertThat(settings.maxSize()).isEqualTo(10_000);
				assertThat(settings.queueCapacity()).isEqualTo(1_000_000);
			}));
	}

	@Test
	void bulkheadMaxSizeAndQueueCapacityFollowItsCoreSize() {
		this.contextRunner.withPropertyValues("traffic-guard.executor.pools.io.core-size=2000")
			.run((context) -> assertThat(context.getBean("trafficGuardIoExecutor", BoundedExecutor.class).getSettings())
				.satisfies((settings) -> {
					assertThat(settings.maxSize()).isEqualTo(8000);
					assertThat(settings.queueCapacity()).isEqualTo(200_000);
				}));
	}

	@Test
	void bulkheadMaxSizeBelowItsCoreSizeFailsStartup() {
		this.contextRunner
			.withPropertyValues("traffic-guard.executor.pools.io.core-size=8",
					"traffic-guard.executor.pools.io.max-size=4")
			.run((context) -> assertThat(analyze(context.getStartupFailure()).getDescription())
				.contains("traffic-guard.executor.pools.io.max-size=4: must be at least the core size (8)"));
	}

	@Test
	void explicitSpringTaskExecutionValuesWin() {
		this.contextRunner
			.withPropertyValues("traffic-guard.executor.core-size=3", "spring.task.execution.pool.core-size=2",
					"spring.task.execution.pool.max-size=4", "spring.task.execution.pool.queue-capacity=9",
					"spring.task.execution.shutdown.await-termination-period=7s",
					"spring.task.execution.thread-name-prefix=work-")
			.run((context) -> {
				ExecutorSettings settings = context.getBean(BoundedExecutor.class).getSettings();
				assertThat(settings.coreSize()).isEqualTo(2);
				assertThat(settings.maxSize()).isEqualTo(4);
				assertThat(settings.queueCapacity()).isEqualTo(9);
				assertThat(settings.awaitTermination()).isEqualTo(Duration.ofSeconds(7));
				assertThat(settings.threadNamePrefix()).isEqualTo("work-");
				Map<String, Object> section = executorSection(context.getBeansOfType(TrafficGuardContributor.class));
				assertThat(section).extractingByKey("core-size")
					.isEqualTo(new ExecutorContributor.ExecutorSetting("spring.task.execution.pool.core-size", 2,
							"user"));
				assertThat(section).extractingByKey("submit-timeout")
					.isEqualTo(new ExecutorContributor.ExecutorSetting("traffic-guard.executor.submit-timeout", "0ms",
							"default"));
			});
	}

	@Test
	void springAwaitTerminationFalseEmptiesTheDrainWindow() {
		this.contextRunner.withPropertyValues("spring.task.execution.shutdown.await-termination=false")
			.run((context) -> assertThat(context.getBean(BoundedExecutor.class).getSettings().awaitTermination())
				.isZero());
	}

	@Test
	void backsOffToTheApplicationsExecutor() {
		this.contextRunner.withUserConfiguration(UserExecutorConfiguration.class).run((context) -> {
			assertThat(context).doesNotHaveBean(BoundedExecutor.class);
			assertThat(context.getBean(Executor.class)).isSameAs(context.getBean("userExecutor"));
		});
	}

	@Test
	void backsOffToTheApplicationsApplicationTaskExecutor() {
		this.contextRunner.withUserConfiguration(UserApplicationTaskExecutorConfiguration.class)
			.run((context) -> assertThat(context.getBean("applicationTaskExecutor"))
				.isSameAs(UserApplicationTaskExecutorConfiguration.executor));
	}

	@Test
	void forcedSpringExecutorWins() {
		this.contextRunner.withPropertyValues("spring.task.execution.mode=force")
			.run((context) -> assertThat(context.getBean("applicationTaskExecutor"))
				.isInstanceOf(ThreadPoolTaskExecutor.class));
	}

	@Test
	void disabledLeavesSpringBootsExecutor() {
		this.contextRunner.withPropertyValues("traffic-guard.executor.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(BoundedExecutor.class).doesNotHaveBean(ExecutorDrain.class);
			assertThat(context.getBean("applicationTaskExecutor")).isInstanceOf(ThreadPoolTaskExecutor.class);
		});
	}

	@Test
	void masterSwitchLeavesSpringBootsExecutor() {
		this.contextRunner.withPropertyValues("traffic-guard.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(BoundedExecutor.class)
				.hasSingleBean(ThreadPoolTaskExecutor.class));
	}

	@Test
	void invalidQueueCapacityFailsStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("traffic-guard.executor.queue-capacity=-1")
			.run((context) -> assertThat(analyze(context.getStartupFailure()).getDescription()).isEqualTo(
					"Invalid Traffic Guard configuration: traffic-guard.executor.queue-capacity=-1: must be between 1 and 1000000"));
	}

	@Test
	void maxSizeBelowCoreSizeFailsStartup() {
		this.contextRunner
			.withPropertyValues("traffic-guard.executor.core-size=8", "traffic-guard.executor.max-size=4")
			.run((context) -> assertThat(analyze(context.getStartupFailure()).getDescription())
				.contains("traffic-guard.executor.max-size=4: must be at least the core size (8)"));
	}

	@Test
	void unboundedSpringMaxSizeFailsStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("spring.task.execution.pool.max-size=2147483647")
			.run((context) -> assertThat(analyze(context.getStartupFailure()).getDescription())
				.contains("spring.task.execution.pool.max-size=2147483647: must be between 1 and 10000"));
	}

	@Test
	void invalidBulkheadValueFailsStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("traffic-guard.executor.pools.io.submit-timeout=5m")
			.run((context) -> assertThat(analyze(context.getStartupFailure()).getDescription())
				.contains("traffic-guard.executor.pools.io.submit-timeout=5m: must be between 0ms and 1m"));
	}

	@Test
	void bulkheadsAreBeansOfTheirOwn() {
		this.contextRunner
			.withPropertyValues("traffic-guard.executor.pools.io.max-size=64", "traffic-guard.executor.pools.io.core-size=16",
					"traffic-guard.executor.pools.cpu-work.core-size=2", "traffic-guard.executor.pools.cpu-work.max-size=2")
			.withUserConfiguration(BulkheadUser.class)
			.run((context) -> {
				assertThat(context.getBeansOfType(BoundedExecutor.class)).containsOnlyKeys("applicationTaskExecutor",
						"trafficGuardIoExecutor", "trafficGuardCpuWorkExecutor");
				BulkheadUser user = context.getBean(BulkheadUser.class);
				assertThat(user.io.getName()).isEqualTo("io");
				assertThat(user.io.getSettings().maxSize()).isEqualTo(64);
				assertThat(user.io.getSettings().threadNamePrefix()).isEqualTo("io-");
				assertThat(user.cpu.getSettings().maxSize()).isEqualTo(2);
				Map<String, Object> report = (Map<String, Object>) context.getBean("trafficGuardExecutorContributor",
						TrafficGuardContributor.class)
					.describe();
				assertThat((Map<String, Object>) report.get("executors")).containsOnlyKeys("applicationTaskExecutor",
						"io", "cpu-work");
			});
	}

	@Test
	void asyncMethodsRunOnTheApplicationTaskExecutorBesideBulkheads() {
		this.contextRunner.withPropertyValues("traffic-guard.executor.pools.io.core-size=1")
			.withUserConfiguration(AsyncConfiguration.class)
			.run((context) -> assertThat(context.getBean(AsyncService.class).threadName().get(30, TimeUnit.SECONDS))
				.startsWith("task-"));
	}

	@Test
	void problemMapperAnswersAFullExecutorWith503AndRetryAfter() {
		this.contextRunner.run((context) -> {
			Problem problem = context.getBean(ProblemMapper.class)
				.map(new ExecutorFullException("applicationTaskExecutor", 10, Duration.ZERO));
			assertThat(problem).isNotNull();
			assertThat(problem.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
			assertThat(problem.retryAfterSeconds()).isEqualTo(1);
			assertThat(context.getBean(ProblemMapper.class).map(new IllegalStateException())).isNull();
		});
	}

	@Test
	void closingTheContextRunsEveryAcceptedTask() {
		this.contextRunner
			.withPropertyValues("traffic-guard.executor.core-size=1", "traffic-guard.executor.max-size=1",
					"traffic-guard.executor.queue-capacity=10")
			.run((context) -> {
				BoundedExecutor executor = context.getBean(BoundedExecutor.class);
				ShutdownTimeline timeline = context.getBean(ShutdownTimeline.class);
				CountDownLatch release = new CountDownLatch(1);
				CountDownLatch running = new CountDownLatch(1);
				AtomicInteger ran = new AtomicInteger();
				executor.execute(() -> {
					running.countDown();
					try {
						release.await(30, TimeUnit.SECONDS);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
					ran.incrementAndGet();
				});
				assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
				for (int i = 0; i < 5; i++) {
					executor.execute(ran::incrementAndGet);
				}
				CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);
				await().atMost(Duration.ofSeconds(30)).until(() -> executor.getState().shutdown());
				release.countDown();
				closing.get(30, TimeUnit.SECONDS);
				assertThat(ran).hasValue(6);
				assertThat(timeline.entries()).anySatisfy((entry) -> {
					assertThat(entry.phase()).isEqualTo("executor applicationTaskExecutor");
					assertThat(entry.event()).isEqualTo("ended");
					assertThat(entry.counts()).containsEntry("tasks-drained", 6).containsEntry("tasks-unfinished", 0);
				});
			});
	}

	@Test
	void closingTheContextDrainsEveryBulkheadInTheExecutorsPhase() {
		this.contextRunner.withPropertyValues("traffic-guard.executor.pools.io.core-size=1",
				"traffic-guard.executor.pools.io.max-size=1")
			.run((context) -> {
				assertThat(context.getBean(ExecutorDrain.class).getPhase()).isEqualTo(ShutdownPhases.EXECUTORS);
				ShutdownTimeline timeline = context.getBean(ShutdownTimeline.class);
				AtomicInteger ran = new AtomicInteger();
				for (BoundedExecutor executor : context.getBeansOfType(BoundedExecutor.class).values()) {
					for (int i = 0; i < 3; i++) {
						executor.execute(ran::incrementAndGet);
					}
				}
				context.close();
				assertThat(ran).hasValue(6);
				assertThat(timeline.entries()).extracting(ShutdownTimeline.Entry::phase, ShutdownTimeline.Entry::event)
					.contains(tuple("executor applicationTaskExecutor", "started"), tuple("executor io", "started"),
							tuple("executor applicationTaskExecutor", "ended"), tuple("executor io", "ended"));
			});
	}

	@Test
	void stoppingAndStartingTheContextKeepsTheExecutorsTakingTasks() {
		this.contextRunner.withPropertyValues("traffic-guard.executor.pools.io.core-size=1").run((context) -> {
			context.getSourceApplicationContext().stop();
			context.getSourceApplicationContext().start();
			for (BoundedExecutor executor : context.getBeansOfType(BoundedExecutor.class).values()) {
				assertThat(executor.getState().shutdown()).isFalse();
				assertThat(executor.submit(() -> "ran", Duration.ofMinutes(1)).get(30, TimeUnit.SECONDS))
					.isEqualTo("ran");
			}
			assertThat(context.getBean(ShutdownTimeline.class).entries()).isEmpty();
		});
	}

	@Test
	void closingTheContextReportsTasksNotFinishedInTheWindow() {
		CountDownLatch release = new CountDownLatch(1);
		try {
			this.contextRunner
				.withPropertyValues("traffic-guard.executor.core-size=1", "traffic-guard.executor.max-size=1",
						"traffic-guard.executor.await-termination=100ms")
				.run((context) -> {
					BoundedExecutor executor = context.getBean(BoundedExecutor.class);
					ShutdownTimeline timeline = context.getBean(ShutdownTimeline.class);
					TrafficGuardContributor contributor = context.getBean("trafficGuardExecutorContributor",
							TrafficGuardContributor.class);
					CountDownLatch running = new CountDownLatch(1);
					executor.execute(() -> {
						running.countDown();
						try {
							release.await(30, TimeUnit.SECONDS);
						}
						catch (InterruptedException ex) {
							Thread.currentThread().interrupt();
						}
					});
					assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
					// What close() does first, leaving the beans up to ask: announce the close,
					// then stop the lifecycle beans (which runs the shutdown sequence).
					context.publishEvent(new ContextClosedEvent(context.getSourceApplicationContext()));
					context.stop();
					assertThat(executor.getState().unfinishedAtShutdown()).isEqualTo(1);
					assertThat(timeline.entries()).anySatisfy((entry) -> assertThat(entry.counts())
						.containsEntry("tasks-drained", 0)
						.containsEntry("tasks-unfinished", 1));
					Map<String, Object> section = executorState(contributor);
					assertThat(section).containsEntry("unfinishedAtShutdown", 1);
				});
		}
		finally {
			release.countDown();
		}
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> executorSection(Map<String, TrafficGuardContributor> contributors) {
		Map<String, Object> report = (Map<String, Object>) contributors.get("trafficGuardExecutorContributor")
			.describe();
		Map<String, Object> executor = (Map<String, Object>) ((Map<String, Object>) report.get("executors"))
			.get("applicationTaskExecutor");
		return (Map<String, Object>) executor.get("settings");
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> executorState(TrafficGuardContributor contributor) {
		Map<String, Object> report = (Map<String, Object>) contributor.describe();
		Map<String, Object> executor = (Map<String, Object>) ((Map<String, Object>) report.get("executors"))
			.get("applicationTaskExecutor");
		BoundedExecutor.State state = (BoundedExecutor.State) executor.get("state");
		return Map.of("unfinishedAtShutdown", state.unfinishedAtShutdown(), "queueCapacity", state.queueCapacity());
	}

	private static FailureAnalysis analyze(Throwable failure) {
		FailureAnalysis analysis = new InvalidPropertyFailureAnalyzer().analyze(failure);
		assertThat(analysis).isNotNull();
		return analysis;
	}

	@Configuration(proxyBeanMethods = false)
	static class UserExecutorConfiguration {

		@Bean
		ThreadPoolTaskExecutor userExecutor() {
			return new ThreadPoolTaskExecutor();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserApplicationTaskExecutorConfiguration {

		static final BoundedExecutor executor = new BoundedExecutor("mine", ExecutorSettings.of(1, 1, 1, "mine-"));

		@Bean
		BoundedExecutor applicationTaskExecutor() {
			return executor;
		}

	}

	static class BulkheadUser {

		final BoundedExecutor io;

		final BoundedExecutor cpu;

		BulkheadUser(@Qualifier("io") BoundedExecutor io, @Qualifier("cpu-work") BoundedExecutor cpu) {
			this.io = io;
			this.cpu = cpu;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAsync
	static class AsyncConfiguration {

		@Bean
		AsyncService asyncService() {
			return new AsyncService();
		}

	}

	static class AsyncService {

		@Async
		CompletableFuture<String> threadName() {
			return CompletableFuture.completedFuture(Thread.currentThread().getName());
		}

	}

}
