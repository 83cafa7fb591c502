package dev.trafficguard.executor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link FanOut}.
 */
class FanOutTests {

	private static final long WAIT = 30;

	private final CountDownLatch release = new CountDownLatch(1);

	private final BoundedExecutor executor = new BoundedExecutor("fan",
			ExecutorSettings.of(8, 8, 100, "fan-").withMaxFanOutParallelism(8));

	@AfterEach
	void close() {
		this.release.countDown();
		this.executor.destroy();
	}

	@Test
	void fansInTheResultsInInputOrder() throws Exception {
		List<Callable<Integer>> tasks = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			int value = i;
			tasks.add(() -> value);
		}
		List<Integer> results = FanOut.of(this.executor).parallelism(3).all(tasks).get(WAIT, TimeUnit.SECONDS);
		assertThat(results).hasSize(20).isSorted().startsWith(0, 1, 2).endsWith(19);
	}

	@Test
	void neverRunsMoreTasksAtOnceThanItsParallelism() throws Exception {
		AtomicInteger running = new AtomicInteger();
		AtomicInteger mostAtOnce = new AtomicInteger();
		CountDownLatch threeRunning = new CountDownLatch(3);
		List<Callable<Integer>> tasks = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			int value = i;
			tasks.add(() -> {
				mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
				threeRunning.countDown();
				this.release.await(WAIT, TimeUnit.SECONDS);
				running.decrementAndGet();
				return value;
			});
		}
		CompletableFuture<List<Integer>> results = FanOut.of(this.executor).parallelism(3).all(tasks);
		assertThat(threeRunning.await(WAIT, TimeUnit.SECONDS)).isTrue();
		// Three tasks hold three workers; the fan-out has handed the executor nothing more,
		// although five workers are idle.
		assertThat(this.executor.getState().active()).isEqualTo(3);
		assertThat(this.executor.getState().queued()).isZero();
		assertThat(this.executor.getState().completed()).isZero();
		this.release.countDown();
		assertThat(results.get(WAIT, TimeUnit.SECONDS)).hasSize(10);
		assertThat(mostAtOnce).hasValue(3);
	}

	@Test
	void firstFailureCancelsTheRestInterruptingThoseRunning() throws Exception {
		CountDownLatch othersRunning = new CountDownLatch(2);
		CountDownLatch interrupted = new CountDownLatch(2);
		AtomicInteger started = new AtomicInteger();
		List<Callable<String>> tasks = new ArrayList<>();
		tasks.add(() -> {
			started.incrementAndGet();
			othersRunning.await(WAIT, TimeUnit.SECONDS);
			throw new IllegalStateException("boom");
		});
		for (int i = 0; i < 5; i++) {
			tasks.add(() -> {
				started.incrementAndGet();
				othersRunning.countDown();
				try {
					this.release.await(WAIT, TimeUnit.SECONDS);
					return "finished";
				}
				catch (InterruptedException ex) {
					interrupted.countDown();
					throw ex;
				}
			});
		}
		CompletableFuture<List<String>> results = FanOut.of(this.executor).parallelism(3).all(tasks);
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> results.get(WAIT, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOf(IllegalStateException.class)
			.withMessage("boom");
		assertThat(interrupted.await(WAIT, TimeUnit.SECONDS)).isTrue();
		// The three tasks not started when the first failed never start.
		assertThat(started).hasValue(3);
		assertThat(this.executor.getState().queued()).isZero();
	}

	@Test
	void deadlineCancelsTheRestAndFailsTheFanOut() throws Exception {
		CountDownLatch interrupted = new CountDownLatch(2);
		List<Callable<String>> tasks = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			tasks.add(() -> {
				try {
					this.release.await(WAIT, TimeUnit.SECONDS);
					return "finished";
				}
				catch (InterruptedException ex) {
					interrupted.countDown();
					throw ex;
				}
			});
		}
		CompletableFuture<List<String>> results = FanOut.of(this.executor)
			.parallelism(2)
			.deadline(Duration.ofMillis(200))
			.all(tasks);
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> results.get(WAIT, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOf(DeadlineExceededException.class);
		assertThat(interrupted.await(WAIT, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void settleCollectsEveryOutcome() throws Exception {
		List<Callable<String>> tasks = List.of(() -> "a", () -> {
			throw new IllegalArgumentException("b failed");
		}, () -> "c");
		List<FanOut.Outcome<String>> outcomes = FanOut.of(this.executor)
			.parallelism(1)
			.settle(tasks)
			.get(WAIT, TimeUnit.SECONDS);
		assertThat(outcomes).hasSize(3);
		assertThat(outcomes.get(0).value()).isEqualTo("a");
		assertThat(outcomes.get(1).isSuccess()).isFalse();
		assertThat(outcomes.get(1).error()).isInstanceOf(IllegalArgumentException.class).hasMessage("b failed");
		assertThat(outcomes.get(2).value()).isEqualTo("c");
	}

	@Test
	void settleGivesUnfinishedTasksATimeoutAtTheDeadline() throws Exception {
		List<Callable<String>> tasks = List.of(() -> "quick", () -> {
			this.release.await(WAIT, TimeUnit.SECONDS);
			return "slow";
		}, () -> "queued behind");
		List<FanOut.Outcome<String>> outcomes = FanOut.of(this.executor)
			.parallelism(2)
			.deadline(Duration.ofSeconds(2))
			.settle(tasks)
			.get(WAIT, TimeUnit.SECONDS);
		assertThat(outcomes.get(0).value()).isEqualTo("quick");
		assertThat(outcomes.get(1).error()).isInstanceOf(DeadlineExceededException.class);
		// The third task ran in the slot the first freed, well within the deadline.
		assertThat(outcomes.get(2).value()).isEqualTo("queued behind");
	}

	@Test
	void executorRefusalFailsTheFanOut() throws Exception {
		BoundedExecutor tiny = new BoundedExecutor("tiny", ExecutorSettings.of(1, 1, 1, "tiny-"));
		try {
			// The only thread and the only queue slot are taken.
			CountDownLatch running = new CountDownLatch(1);
			tiny.execute(() -> {
				running.countDown();
				awaitRelease();
			});
			assertThat(running.await(WAIT, TimeUnit.SECONDS)).isTrue();
			tiny.execute(() -> {
			});
			List<Callable<String>> tasks = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				tasks.add(() -> {
					this.release.await(WAIT, TimeUnit.SECONDS);
					return "done";
				});
			}
			CompletableFuture<List<String>> results = FanOut.of(tiny).parallelism(3).all(tasks);
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> results.get(WAIT, TimeUnit.SECONDS))
				.havingCause()
				.isInstanceOf(ExecutorFullException.class);
			assertThat(tiny.getState().rejected()).isEqualTo(1);
		}
		finally {
			this.release.countDown();
			tiny.destroy();
		}
	}

	@Test
	void refusalsOfAFullExecutorDoNotRecurse() throws Exception {
		BoundedExecutor tiny = new BoundedExecutor("tiny", ExecutorSettings.of(1, 1, 1, "tiny-"));
		try {
			CountDownLatch running = new CountDownLatch(1);
			tiny.execute(() -> {
				running.countDown();
				awaitRelease();
			});
			assertThat(running.await(WAIT, TimeUnit.SECONDS)).isTrue();
			tiny.execute(() -> {
			});
			List<Callable<String>> tasks = Collections.nCopies(FanOut.MAX_TASKS, () -> "never");
			CompletableFuture<List<FanOut.Outcome<String>>> outcomes = new CompletableFuture<>();
			// A small stack: one frame set per refused task would overflow it.
			Thread caller = new Thread(null, () -> {
				try {
					outcomes.complete(FanOut.of(tiny).parallelism(1).<String>settle(tasks).get(WAIT, TimeUnit.SECONDS));
				}
				catch (Throwable ex) {
					outcomes.completeExceptionally(ex);
				}
			}, "small-stack", 256 * 1024);
			caller.start();
			assertThat(outcomes.get(WAIT, TimeUnit.SECONDS)).hasSize(FanOut.MAX_TASKS)
				.allSatisfy((outcome) -> assertThat(outcome.error()).isInstanceOf(ExecutorFullException.class));
			assertThat(tiny.getState().rejected()).isEqualTo(FanOut.MAX_TASKS);
		}
		finally {
			this.release.countDown();
			tiny.destroy();
		}
	}

	@Test
	void refusesMoreTasksThanItsLimit() {
		List<Callable<String>> tasks = Collections.nCopies(FanOut.MAX_TASKS + 1, () -> "never");
		assertThatIllegalArgumentException().isThrownBy(() -> FanOut.of(this.executor).settle(tasks))
			.withMessage("A fan-out takes at most 10000 tasks, not 10001: split them into several fan-outs or run "
					+ "them as a batch job");
		assertThatIllegalArgumentException().isThrownBy(() -> FanOut.of(this.executor).all(tasks));
		assertThat(this.executor.getState().completed()).isZero();
	}

	@Test
	void nextTaskLaunchedFromAWorkerIsRefusedAtOnceWhenTheQueueIsFull() throws Exception {
		BoundedExecutor tiny = new BoundedExecutor("tiny",
				ExecutorSettings.of(1, 1, 1, "tiny-").withSubmitTimeout(Duration.ofMinutes(1)));
		try {
			CountDownLatch firstRunning = new CountDownLatch(1);
			CountDownLatch queueFull = new CountDownLatch(1);
			List<Callable<String>> tasks = List.of(() -> {
				firstRunning.countDown();
				queueFull.await(WAIT, TimeUnit.SECONDS);
				return "first";
			}, () -> "second");
			CompletableFuture<List<FanOut.Outcome<String>>> outcomes = FanOut.of(tiny)
				.parallelism(1)
				.deadline(Duration.ofMinutes(5))
				.settle(tasks);
			assertThat(firstRunning.await(WAIT, TimeUnit.SECONDS)).isTrue();
			tiny.execute(() -> {
			});
			queueFull.countDown();
			// The second task is submitted by the only worker, which must not wait for
			// room in the queue it alone empties.
			List<FanOut.Outcome<String>> settled = outcomes.get(WAIT, TimeUnit.SECONDS);
			assertThat(settled.get(0).value()).isEqualTo("first");
			assertThat(settled.get(1).error()).isInstanceOfSatisfying(ExecutorFullException.class,
					(ex) -> assertThat(ex.getWaited()).isZero());
		}
		finally {
			tiny.destroy();
		}
	}

	private void awaitRelease() {
		try {
			this.release.await(WAIT, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Test
	void parallelismIsCappedAtTheExecutorsShareWhateverTheCallerAsks() throws Exception {
		// Traffic Guard's defaults on two processors: 8 core threads, 32 at most, a queue of
		// 800; one fan-out runs at most a quarter of 32.
		BoundedExecutor shared = new BoundedExecutor("shared", ExecutorSettings.of(8, 32, 800, "shared-"));
		try {
			assertThat(FanOut.of(shared).parallelism(100).getParallelism()).isEqualTo(8);
			assertThat(FanOut.of(shared).parallelism(3).getParallelism()).isEqualTo(3);
			AtomicInteger running = new AtomicInteger();
			AtomicInteger mostAtOnce = new AtomicInteger();
			CountDownLatch eightRunning = new CountDownLatch(8);
			CompletableFuture<List<Integer>> big = FanOut.of(shared)
				.parallelism(100)
				.all(tasks(100, running, mostAtOnce, eightRunning));
			assertThat(eightRunning.await(WAIT, TimeUnit.SECONDS)).isTrue();
			assertThat(shared.getState().active()).isEqualTo(8);
			assertThat(shared.getState().queued()).isZero();
			this.release.countDown();
			assertThat(big.get(WAIT, TimeUnit.SECONDS)).hasSize(100);
			assertThat(mostAtOnce).hasValue(8);
		}
		finally {
			shared.destroy();
		}
	}

	@Test
	void aSmallFanOutCompletesWhileNineBigOnesHoldTheExecutor() throws Exception {
		BoundedExecutor shared = new BoundedExecutor("shared", ExecutorSettings.of(8, 32, 800, "shared-"));
		try {
			// Three big fan-outs run 8 tasks each, up to the quarter of the threads kept
			// free; the six after them one task each.
			int[] expected = { 8, 8, 8, 1, 1, 1, 1, 1, 1 };
			CountDownLatch allStarted = new CountDownLatch(30);
			List<AtomicInteger> mostAtOnce = new ArrayList<>();
			List<CompletableFuture<List<Integer>>> big = new ArrayList<>();
			for (int i = 0; i < expected.length; i++) {
				AtomicInteger most = new AtomicInteger();
				mostAtOnce.add(most);
				big.add(FanOut.of(shared).parallelism(100).all(tasks(100, new AtomicInteger(), most, allStarted)));
			}
			assertThat(allStarted.await(WAIT, TimeUnit.SECONDS)).isTrue();
			// 30 tasks run on 30 threads: a fan-out's task starts a thread rather than wait
			// behind the others in the queue.
			assertThat(shared.getState().active()).isEqualTo(30);
			assertThat(shared.getState().queued()).isZero();
			List<String> small = FanOut.of(shared)
				.parallelism(2)
				.all(List.<Callable<String>>of(() -> "a", () -> "b"))
				.get(WAIT, TimeUnit.SECONDS);
			assertThat(small).containsExactly("a", "b");
			assertThat(big).noneMatch(CompletableFuture::isDone);
			for (int i = 0; i < expected.length; i++) {
				assertThat(mostAtOnce.get(i)).as("fan-out %d", i).hasValue(expected[i]);
			}
			this.release.countDown();
			for (CompletableFuture<List<Integer>> each : big) {
				assertThat(each.get(WAIT, TimeUnit.SECONDS)).hasSize(100);
			}
			for (AtomicInteger most : mostAtOnce) {
				assertThat(most.get()).isBetween(1, 8);
			}
		}
		finally {
			this.release.countDown();
			shared.destroy();
		}
	}

	private List<Callable<Integer>> tasks(int count, AtomicInteger running, AtomicInteger mostAtOnce,
			CountDownLatch started) {
		List<Callable<Integer>> tasks = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			int value = i;
			tasks.add(() -> {
				mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
				started.countDown();
				this.release.await(WAIT, TimeUnit.SECONDS);
				running.decrementAndGet();
				return value;
			});
		}
		return tasks;
	}

	@Test
	void emptyFanOutCompletesAtOnce() throws Exception {
		assertThat(FanOut.of(this.executor).all(List.<Callable<String>>of()).get(WAIT, TimeUnit.SECONDS)).isEmpty();
	}

	@Test
	void defaultParallelismIsHalfTheCoreSize() {
		assertThat(FanOut.of(this.executor).getParallelism()).isEqualTo(4);
		assertThat(FanOut.of(this.executor).getDeadline()).isEqualTo(FanOut.DEFAULT_DEADLINE);
	}

}
