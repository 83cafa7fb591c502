package dev.trafficguard.deadline;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DeadlineTaskDecorator}.
 */
class DeadlineTaskDecoratorTests {

	private final DeadlineCounters counters = new DeadlineCounters();

	private final DeadlineTaskDecorator decorator = new DeadlineTaskDecorator(this.counters);

	@Test
	void taskOutsideARequestIsLeftAsItIs() {
		Runnable task = () -> {
		};
		assertThat(this.decorator.decorate(task)).isSameAs(task);
	}

	@Test
	void expiredPlainTaskNeverRunsAndIsCounted() {
		AtomicInteger ran = new AtomicInteger();
		Runnable decorated = decorateExpired(ran::incrementAndGet);
		decorated.run();
		assertThat(ran.get()).isZero();
		assertThat(this.counters.tasksDropped.sum()).isOne();
	}

	@Test
	void expiredFutureIsCancelledSoNobodyWaitsForever() {
		AtomicInteger ran = new AtomicInteger();
		FutureTask<Integer> future = new FutureTask<>(ran::incrementAndGet);
		decorateExpired(future).run();
		assertThat(future).isCancelled();
		assertThat(ran.get()).isZero();
	}

	@Test
	void completableFutureStepRunsUnderItsExpiredDeadlineRatherThanHanging() throws Exception {
		AtomicReference<Boolean> sawExpired = new AtomicReference<>();
		Executor executor = (task) -> decorateExpired(task).run();
		CompletableFuture<Void> future = CompletableFuture.runAsync(() -> sawExpired.set(Deadline.current().isExpired()),
				executor);
		future.get(5, TimeUnit.SECONDS);
		assertThat(sawExpired.get()).isTrue();
		assertThat(Deadline.current()).isNull();
	}

	@Test
	void liveTaskRunsWithTheDeadlineAndLeavesNoneBehind() {
		Deadline deadline = Deadline.after(Duration.ofMinutes(1));
		AtomicReference<Deadline> seen = new AtomicReference<>();
		Runnable decorated;
		try (Deadline.Scope scope = deadline.enter()) {
			decorated = this.decorator.decorate(() -> seen.set(Deadline.current()));
		}
		decorated.run();
		assertThat(seen.get()).isSameAs(deadline);
		assertThat(Deadline.current()).isNull();
	}

	private Runnable decorateExpired(Runnable task) {
		Deadline deadline = Deadline.after(Duration.ofMillis(1));
		while (!deadline.isExpired()) {
			LockSupport.parkNanos(deadline.remainingNanos());
		}
		try (Deadline.Scope scope = deadline.enter()) {
			return this.decorator.decorate(task);
		}
	}

}
