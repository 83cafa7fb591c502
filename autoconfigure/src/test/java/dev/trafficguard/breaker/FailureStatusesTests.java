package dev.trafficguard.breaker;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FailureStatuses}.
 */
class FailureStatusesTests {

	@Test
	void classesAndSingleStatusesAreFailures() {
		FailureStatuses statuses = new FailureStatuses(List.of("5xx", "429"));
		assertThat(statuses.isFailure(500)).isTrue();
		assertThat(statuses.isFailure(599)).isTrue();
		assertThat(statuses.isFailure(429)).isTrue();
		assertThat(statuses.isFailure(404)).isFalse();
		assertThat(statuses.isFailure(200)).isFalse();
		assertThat(statuses.isFailure(999)).isFalse();
	}

	@Test
	void validatesEachEntry() {
		assertThat(FailureStatuses.isValid("5xx")).isTrue();
		assertThat(FailureStatuses.isValid("503")).isTrue();
		assertThat(FailureStatuses.isValid("6xx")).isFalse();
		assertThat(FailureStatuses.isValid("700")).isFalse();
		assertThat(FailureStatuses.isValid("5x")).isFalse();
		assertThat(FailureStatuses.isValid("abc")).isFalse();
	}

}
