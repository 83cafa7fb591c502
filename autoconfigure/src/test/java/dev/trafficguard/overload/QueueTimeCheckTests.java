package dev.trafficguard.overload;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link QueueTimeCheck}.
 */
class QueueTimeCheckTests {

	private static final long MS = 1_000_000;

	private static final QueueTimeCheck.Threads BUSY = () -> true;

	@Test
	void shedsWhatWaitedLongerThanTheMaximum() {
		QueueTimeCheck check = new QueueTimeCheck(Duration.ofMillis(500), Duration.ZERO, Duration.ofMillis(100));
		assertThat(check.shed(499 * MS, BUSY)).isFalse();
		assertThat(check.shed(501 * MS, BUSY)).isTrue();
	}

	@Test
	void neverShedsWhenSwitchedOff() {
		QueueTimeCheck check = new QueueTimeCheck(Duration.ZERO, Duration.ofMillis(5), Duration.ofMillis(100));
		assertThat(check.shed(10_000 * MS, BUSY)).isFalse();
	}

	@Test
	void aStandingQueueLowersTheBoundToTwiceTheTargetForTheNextInterval() {
		QueueTimeCheck check = new QueueTimeCheck(Duration.ofMillis(500), Duration.ofMillis(5), Duration.ofMillis(20));
		// Every request of an interval waited longer than the target: the queue is standing
		passInterval(check, 30 * MS);
		assertThat(check.isStanding()).isTrue();
		assertThat(check.shed(11 * MS, BUSY)).isTrue();
		assertThat(check.shed(9 * MS, BUSY)).isFalse();
		// One request of the next interval did not wait: the queue drained, the bound is back
		passInterval(check, 0);
		assertThat(check.isStanding()).isFalse();
		assertThat(check.shed(100 * MS, BUSY)).isFalse();
	}

	@Test
	void aWaitForTheCpuWithThreadsToSpareShedsNothingBelowTheMaximum() {
		QueueTimeCheck check = new QueueTimeCheck(Duration.ofMillis(500), Duration.ofMillis(5), Duration.ofMillis(20));
		passInterval(check, 30 * MS);
		assertThat(check.isStanding()).isTrue();
		assertThat(check.shed(30 * MS, () -> false)).isFalse();
		assertThat(check.shed(501 * MS, () -> false)).isTrue();
	}

	@Test
	void aBurstThatSomeRequestsDidNotWaitThroughIsNoStandingQueue() {
		QueueTimeCheck check = new QueueTimeCheck(Duration.ofMillis(500), Duration.ofMillis(5), Duration.ofMillis(20));
		check.shed(200 * MS, BUSY);
		check.shed(1 * MS, BUSY);
		passInterval(check, 200 * MS);
		assertThat(check.isStanding()).isFalse();
		assertThat(check.shed(200 * MS, BUSY)).isFalse();
	}

	@Test
	void anIntervalWithNoRequestsIsNoStandingQueue() {
		QueueTimeCheck check = new QueueTimeCheck(Duration.ofMillis(500), Duration.ofMillis(5), Duration.ofMillis(20));
		long start = System.nanoTime();
		await().until(() -> System.nanoTime() - start > 60 * MS);
		check.shed(30 * MS, BUSY);
		assertThat(check.isStanding()).isFalse();
	}

	/**
	 * Record a queue time, then let the interval end and record one more, which closes the
	 * interval.
	 */
	private static void passInterval(QueueTimeCheck check, long queuedNanos) {
		check.shed(queuedNanos, BUSY);
		long start = System.nanoTime();
		await().pollInterval(Duration.ofMillis(1)).until(() -> System.nanoTime() - start > 40 * MS);
		check.shed(queuedNanos, BUSY);
	}

}
