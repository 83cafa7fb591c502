package dev.trafficguard.shutdown;

import java.util.concurrent.atomic.AtomicLong;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockAsyncContext;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link InFlightRequestFilter}.
 */
class InFlightRequestFilterTests {

	private final InFlightRequestFilter filter = new InFlightRequestFilter();

	@Test
	void countsARequestInFlightUntilItReturns() throws Exception {
		AtomicLong inFlightDuring = new AtomicLong(-1);
		this.filter.doFilter(new MockHttpServletRequest(), new MockHttpServletResponse(),
				(request, response) -> inFlightDuring.set(this.filter.inFlight()));
		assertThat(inFlightDuring).hasValue(1);
		assertThat(this.filter.inFlight()).isZero();
		assertThat(this.filter.completed()).isOne();
	}

	@Test
	void countsARequestThatFailsAsCompleted() {
		FilterChain failing = (request, response) -> {
			throw new ServletException("boom");
		};
		assertThatExceptionOfType(ServletException.class)
			.isThrownBy(() -> this.filter.doFilter(new MockHttpServletRequest(), new MockHttpServletResponse(), failing));
		assertThat(this.filter.inFlight()).isZero();
		assertThat(this.filter.completed()).isOne();
	}

	@Test
	void countsAnAsynchronousRequestUntilItCompletes() throws Exception {
		MockHttpServletRequest request = new MockHttpServletRequest();
		request.setAsyncSupported(true);
		this.filter.doFilter(request, new MockHttpServletResponse(), (req, res) -> req.startAsync());
		assertThat(this.filter.inFlight()).isOne();
		assertThat(this.filter.completed()).isZero();
		((MockAsyncContext) request.getAsyncContext()).complete();
		assertThat(this.filter.inFlight()).isZero();
		assertThat(this.filter.completed()).isOne();
	}

}
