package dev.trafficguard.executor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.core.task.TaskRejectedException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link BoundedExecutor}.
 */
class BoundedExecutorTests {

	private static final long WAIT = 30;

	private final List<BoundedExecutor> executors = new ArrayList<>();

	private final CountDownLatch release = new CountDownLatch(1);

	@AfterEach
	void releaseAndClose() {
		this.release.countDown();
		this.executors.forEach(BoundedExecutor::destroy);
	}

	@Test
	void rejectsAtOnceWhenQueueIsFullAndCountsTheRejection() throws Exception {
		BoundedExecutor executor = executor(ExecutorSettings.of(1, 1, 1, "full-"));
		CountDownLatch running = new CountDownLatch(1);
		executor.execute(blocker(running));
		assertThat(running.await(WAIT, TimeUnit.SECONDS)).isTrue();
		executor.execute(() -> {
		});
		assertThatExceptionOfType(ExecutorFullException.class).isThrownBy(() -> executor.execute(() -> {
		})).satisfies((ex) -> {
			assertThat(ex).isInstanceOf(TaskRejectedException.class);
			assertThat(ex.getExecutorName()).isEqualTo("test");
			assertThat(ex.getQueueCapacity()).isEqualTo(1);
			assertThat(ex.getWaited()).isZero();
			assertThat(ex.getMessage()).contains("'test'").contains("queue of 1 tasks");
		});
		assertThat(executor.getState().rejected()).isEqualTo(1);
		assertThat(executor.getState().queued()).isEqualTo(1);
		assertThat(executor.getState().active()).isEqualTo(1);
	}

	@Test
	void growsAboveTheCoreSizeOnlyWhenTheQueueIsFull() throws Exception {
		BoundedExecutor executor = executor(ExecutorSettings.of(1, 2, 1, "grow-"));
		CountDownLatch running = new CountDownLatch(2);
		executor.execute(blocker(running));
		executor.execute(blocker(running));
		assertThat(executor.getState().poolSize()).isEqualTo(1);
		executor.execute(blocker(running));
		assertThat(running.await(WAIT, TimeUnit.SECONDS)).isTrue();
		assertThat(executor.getState().poolSize()).isEqualTo(2);
		assertThatExceptionOfType(ExecutorFullException.class).isThrownBy(() -> executor.execute(() -> {
		}));
	}

	@Test
	void submitTimeoutWaitsForRoomThenRejects() throws Exception {
		Duration timeout = Duration.ofMillis(200);
		BoundedExecutor executor = executor(ExecutorSettings.of(1, 1, 1, "wait-").withSubmitTimeout(timeout));
		CountDownLatch running = new CountDownLatch(1);
		executor.execute(blocker(running));
		assertThat(running.await(WAIT, TimeUnit.SECONDS)).isTrue();
		executor.execute(() -> {
		});
		assertThatExceptionOfType(ExecutorFullException.class).isThrownBy(() -> executor.execute(() -> {
		})).satisfies((ex) -> assertThat(ex.getWaited()).isGreaterThanOrEqualTo(timeout));
		assertThat(executor.getState().rejected()).isEqualTo(1);
	}

	@Test
	void waitingSubmissionGetsInWhenRoomFreesUp() throws Exception {
		BoundedExecutor executor = executor(ExecutorSettings.of(1, 1, 1, "room-").withSubmitTimeout(Duration.ofMinutes(1)));
		CountDownLatch running = new CountDownLatch(1);
		executor.execute(blocker(running));
		assertThat(running.await(WAIT, TimeUnit.SECONDS)).isTrue();
		executor.execute(() -> {
		});
		CountDownLatch ran = new CountDownLatch(1);
		Thread submitter = new Thread(() -> executor.execute(ran::countDown));
		submitter.start();
		// Release the blocker only once the submitter waits for room in the full queue.
		await().atMost(Duration.ofSeconds(WAIT)).until(() -> submitter.getState() == Thread.State.TIMED_WAITING);
		assertThat(ran.getCount()).isOne();
		this.release.countDown();
		submitter.join(TimeUnit.SECONDS.toMillis(WAIT));
		assertThat(submitter.isAlive()).isFalse();
		assertThat(ran.await(WAIT, TimeUnit.SECONDS)).isTrue();
		assertThat(executor.getState().rejected()).isZero();
	}

	@Test
	void taskWithinItsDeadlineCompletesWithItsValue() throws Exception {
		BoundedExecutor executor = executor(ExecutorSettings.of(1, 1, 1, "deadline-"));
		CompletableFuture<String> future = executor.submit(() -> "done", Duration.ofMinutes(1));
		assertThat(future.get(WAIT, TimeUnit.SECONDS)).isEqualTo("done");
		assertThat(executor.getState().expiredQueued() + executor.getState().expiredRunning()).isZero();
	}

	@Test
	void queuedTaskPastItsDeadlineNeverRuns() throws Exception {
		BoundedExecutor executor = executor(ExecutorSettings.of(1, 1, 2, "expire-"));
		CountDownLatch running = new CountDownLatch(1);
		executor.execute(blocker(running));
		assertThat(running.await(WAIT, TimeUnit.SECONDS)).isTrue();
		AtomicBoolean ran = new AtomicBoolean();
		CompletableFuture<Boolean> future = executor.submit(() -> ran.getAndSet(true), Duration.ofMillis(50));
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> future.get(WAIT, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOfSatisfying(DeadlineExceededException.class, (ex) -> {
				assertThat(ex.isStarted()).isFalse();
				assertThat(ex.getExecutorName()).isEqualTo("test");
			});
		// It keeps its slot until a worker drops it.
		assertThat(executor.getState().queued()).isEqualTo(1);
		this.release.countDown();
		executor.submit(() -> true, Duration.ofMinutes(1)).get(WAIT, TimeUnit.SECONDS);
		assertThat(ran).isFalse();
		assertThat(executor.getState().expiredQueued()).isEqualTo(1);
		assertThat(executor.getState().expiredRunning()).isZero();
	}

	@Test
	void cancelledQueuedTaskKeepsItsSlotUntilAWorkerDropsItWithoutRunningIt() throws Exception {
		BoundedExecutor executor = executor(ExecutorSettings.of(1, 1, 1, "drop-"));
		CountDownLatch running = new CountDownLatch(1);
		executor.execute(blocker(running));
		assertThat(running.await(WAIT, TimeUnit.SECONDS)).isTrue();
		AtomicBoolean ran = new AtomicBoolean();
		CompletableFuture<Boolean> cancelled = executor.submit(() -> ran.getAndSet(true), Duration.ofMinutes(1));
		assertThat(cancelled.cancel(true)).isTrue();
		// Not taken out of the queue (a scan under its locks): it still counts toward the
		// capacity, so the queue is full.
		assertThat(executor.getState().queued()).isEqualTo(1);
		assertThatExceptionOfType(ExecutorFullException.class).isThrownBy(() -> executor.execute(() -> {
		}));
		this.release.countDown();
		// The worker, once free, drops it: the blocker and the dropped task complete.
		await().atMost(Duration.ofSeconds(WAIT)).until(() -> executor.getState().completed() == 2);
		assertThat(executor.getState().queued()).isZero();
		assertThat(executor.submit(() -> true, Duration.ofMinutes(1)).get(WAIT, TimeUnit.SECONDS)).isTrue();
		assertThat(ran).isFalse();
	}

	@Test
	void submissionFromAWorkerIsRefusedAtOnceWhateverTheSubmitTimeout() throws Exception {
		BoundedExecutor executor = executor(
				ExecutorSettings.of(1, 1, 1, "own-").withSubmitTimeout(Duration.ofMinutes(1)));
		CountDownLatch queueFull = new CountDownLatch(1);
		CompletableFuture<Throwable> refusal = new CompletableFuture<>();
		executor.execute(() -> {
			try {
				queueFull.await(WAIT, TimeUnit.SECONDS);
				// The only worker waiting for room in its own queue would wait for itself.
				executor.execute(() -> {
				});
				refusal.complete(null);
			}
			catch (Throwable ex) {
				refusal.complete(ex);
			}
		});
		executor.execute(() -> {
		});
		queueFull.countDown();
		assertThat(refusal.get(WAIT, TimeUnit.SECONDS))
			.isInstanceOfSatisfying(ExecutorFullException.class, (ex) -> assertThat(ex.getWaited()).isZero());
	}

	@Test
	void runningTaskPastItsDeadlineIsInterruptedAndCompletesWithATimeout() throws Exception {
		BoundedExecutor executor = executor(ExecutorSettings.of(1, 1, 1, "interrupt-"));
		CountDownLatch interrupted = new CountDownLatch(1);
		CompletableFuture<String> future = executor.submit(() -> {
			try {
				new CountDownLatch(1).await(WAIT, TimeUnit.SECONDS);
				return "not interrupted";
			}
			catch (InterruptedException ex) {
				interrupted.countDown();
				throw ex;
			}
		}, Duration.ofMillis(100));
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> future.get(WAIT, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOfSatisfying(DeadlineExceededException.class, (ex) -> assertThat(ex.isStarted()).isTrue());
		assertThat(interrupted.await(WAIT, TimeUnit.SECONDS)).isTrue();
		assertThat(executor.getState().expiredRunning()).isEqualTo(1);
		// The worker does not carry the interrupt into its next task.
		assertThat(executor.submit(() -> Thread.currentThread().isInterrupted(), Duration.ofMinutes(1))
			.get(WAIT, TimeUnit.SECONDS)).isFalse();
	}

	@Test
	void cancelInterruptsARunningTask() throws Exception {
		BoundedExecutor executor = executor(ExecutorSettings.of(1, 1, 1, "cancel-"));
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch interrupted = new CountDownLatch(1);
		CompletableFuture<String> future = executor.submit(() -> {
			started.countDown();
			try {
				new CountDownLatch(1).await(WAIT, TimeUnit.SECONDS);
				return "not interrupted";
			}
			catch (InterruptedException ex) {
				interrupted.countDown();
				throw ex;
			}
		}, Duration.ofMinutes(1));
		assertThat(started.await(WAIT, TimeUnit.SECONDS)).isTrue();
		assertThat(future.cancel(true)).isTrue();
		assertThat(interrupted.await(WAIT, TimeUnit.SECONDS)).isTrue();
		assertThat(future).isCancelled();
	}

	@Test
	void drainRunsEveryAcceptedTaskAndTakesNothingNew() throws Exception {
		BoundedExecutor executor = executor(ExecutorSettings.of(1, 1, 10, "drain-"));
		CountDownLatch running = new CountDownLatch(1);
		AtomicInteger ran = new AtomicInteger();
		executor.execute(blocker(running));
		assertThat(running.await(WAIT, TimeUnit.SECONDS)).isTrue();
		for (int i = 0; i < 5; i++) {
			executor.execute(ran::incrementAndGet);
		}
		assertThat(executor.beginShutdown()).isEqualTo(6);
		assertThatExceptionOfType(TaskRejectedException.class).isThrownBy(() -> executor.execute(ran::incrementAndGet))
			.isNotInstanceOf(ExecutorFullException.class);
		this.release.countDown();
		BoundedExecutor.Drain drain = executor.awaitDrain(System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT));
		assertThat(drain.drained()).isEqualTo(6);
		assertThat(drain.unfinished()).isZero();
		assertThat(ran).hasValue(5);
		assertThat(executor.getState().unfinishedAtShutdown()).isZero();
	}

	@Test
	void drainReportsTasksNotFinishedWithinTheWindow() throws Exception {
		BoundedExecutor executor = executor(ExecutorSettings.of(1, 1, 10, "late-"));
		CountDownLatch running = new CountDownLatch(1);
		executor.execute(blocker(running));
		executor.execute(() -> {
		});
		assertThat(running.await(WAIT, TimeUnit.SECONDS)).isTrue();
		BoundedExecutor.Drain drain = executor.awaitDrain(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50));
		assertThat(drain.unfinished()).isEqualTo(2);
		assertThat(drain.drained()).isZero();
		assertThat(executor.getState().unfinishedAtShutdown()).isEqualTo(2);
	}

	@Test
	void destroyDrainsWhenNoShutdownSequenceRan() throws Exception {
		BoundedExecutor executor = new BoundedExecutor("test", ExecutorSettings.of(1, 1, 10, "destroy-"));
		AtomicInteger ran = new AtomicInteger();
		for (int i = 0; i < 5; i++) {
			executor.execute(ran::incrementAndGet);
		}
		executor.destroy();
		assertThat(ran).hasValue(5);
	}

	@Test
	void defaultSubmitMethodsUseTheSameQueue() throws Exception {
		BoundedExecutor executor = executor(ExecutorSettings.of(1, 1, 1, "submit-"));
		Future<String> future = executor.submit(() -> "value");
		assertThat(future.get(WAIT, TimeUnit.SECONDS)).isEqualTo("value");
		assertThat(executor.submitCompletable(() -> "completable").get(WAIT, TimeUnit.SECONDS))
			.isEqualTo("completable");
	}

	@Test
	void decoratesEveryTask() throws Exception {
		AtomicInteger decorated = new AtomicInteger();
		BoundedExecutor executor = new BoundedExecutor("test", ExecutorSettings.of(1, 1, 1, "decorated-"),
				(task) -> {
					decorated.incrementAndGet();
					return task;
				});
		this.executors.add(executor);
		executor.submit(() -> "value", Duration.ofMinutes(1)).get(WAIT, TimeUnit.SECONDS);
		executor.submitCompletable(() -> "value").get(WAIT, TimeUnit.SECONDS);
		assertThat(decorated).hasValue(2);
	}

	@Test
	void bindsMetricsTaggedWithTheExecutorName() throws Exception {
		BoundedExecutor executor = executor(ExecutorSettings.of(1, 1, 1, "metrics-"));
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		beanFactory.registerSingleton("test", executor);
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		new BoundedExecutorMetrics(beanFactory.getBeanProvider(BoundedExecutor.class)).bindTo(registry);
		CountDownLatch running = new CountDownLatch(1);
		executor.execute(blocker(running));
		assertThat(running.await(WAIT, TimeUnit.SECONDS)).isTrue();
		executor.execute(() -> {
		});
		assertThatExceptionOfType(ExecutorFullException.class).isThrownBy(() -> executor.execute(() -> {
		}));
		assertThat(registry.get("traffic.guard.executor.rejected").tag("name", "test").functionCounter().count())
			.isEqualTo(1);
		assertThat(registry.get("traffic.guard.executor.expired").tag("state", "queued").functionCounter().count())
			.isZero();
		assertThat(registry.get("executor.queued").tag("name", "test").gauge().value()).isEqualTo(1);
		assertThat(registry.get("executor.queue.remaining").tag("name", "test").gauge().value()).isZero();
		this.release.countDown();
		await().atMost(Duration.ofSeconds(WAIT)).until(() -> executor.getState().completed() == 2);
		assertThat(registry.get("traffic.guard.executor.queue.wait").tag("name", "test").timer().count())
			.isEqualTo(2);
	}

	private BoundedExecutor executor(ExecutorSettings settings) {
		BoundedExecutor executor = new BoundedExecutor("test", settings);
		this.executors.add(executor);
		return executor;
	}

	private Runnable blocker(CountDownLatch running) {
		return () -> {
			running.countDown();
			try {
				this.release.await(WAIT, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		};
	}

}
