package dev.trafficguard.targets;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link LatencyWindow}, with the clock given as values.
 */
class LatencyWindowTests {

	private static final long SLICE = TimeUnit.SECONDS.toNanos(10);

	@Test
	void bucketsAreOrderedAndTheirMiddlesAreWithinSevenPercent() {
		int previous = -1;
		for (long units = 0; units < 1L << 32; units = units * 9 / 8 + 1) {
			int bucket = LatencyWindow.bucket(units);
			assertThat(bucket).isGreaterThanOrEqualTo(previous).isLessThan(LatencyWindow.BUCKETS);
			previous = bucket;
			if (units >= 8 && units < 1L << 30) {
				assertThat(LatencyWindow.middle(bucket)).isCloseTo(units, within(units * 0.07));
			}
		}
		assertThat(LatencyWindow.bucket(Long.MAX_VALUE / 1000)).isEqualTo(LatencyWindow.BUCKETS - 1);
		assertThat(LatencyWindow.bucket(-5)).isZero();
	}

	@Test
	void percentilesOfTheWindow() {
		LatencyWindow window = new LatencyWindow(SLICE);
		long now = 1000 * SLICE;
		for (int i = 1; i <= 100; i++) {
			window.record(TimeUnit.MILLISECONDS.toNanos(i), now);
		}
		LatencyWindow.Snapshot snapshot = window.snapshot(now);
		assertThat(snapshot.total()).isEqualTo(100);
		assertThat(snapshot.percentileMillis(0.5)).isCloseTo(50, within(50 * 0.07));
		assertThat(snapshot.percentileMillis(0.99)).isCloseTo(99, within(99 * 0.07));
		assertThat(new LatencyWindow(SLICE).snapshot(now).percentileMillis(0.5)).isEqualTo(-1);
	}

	@Test
	void latenciesLeaveTheWindowAfterSixSlices() {
		LatencyWindow window = new LatencyWindow(SLICE);
		long start = 1000 * SLICE;
		window.record(TimeUnit.MILLISECONDS.toNanos(500), start);
		window.record(TimeUnit.MILLISECONDS.toNanos(1), start + 3 * SLICE);
		assertThat(window.snapshot(start + 5 * SLICE).total()).isEqualTo(2);
		assertThat(window.snapshot(start + 6 * SLICE).total()).isEqualTo(1);
		assertThat(window.snapshot(start + 6 * SLICE).percentileMillis(0.99)).isLessThan(2);
		// The slice is reused for a new time, cleared first
		window.record(TimeUnit.MILLISECONDS.toNanos(2), start + 6 * SLICE);
		assertThat(window.snapshot(start + 6 * SLICE).total()).isEqualTo(2);
		assertThat(window.snapshot(start + 9 * SLICE).total()).isEqualTo(1);
		// A request that ended a whole window ago does not clear the newer slice
		window.record(TimeUnit.MILLISECONDS.toNanos(3), start);
		assertThat(window.snapshot(start + 6 * SLICE).total()).isEqualTo(2);
	}

}
