package dev.trafficguard.shutdown;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.trafficguard.lifecycle.ShutdownTimeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RequestDrain} and {@link PreStopDelay} driven directly, as Spring's
 * lifecycle processor drives them at shutdown.
 */
@ExtendWith(OutputCaptureExtension.class)
class RequestDrainTests {

	private final InFlightRequestFilter requests = new InFlightRequestFilter();

	private final ShutdownTimeline timeline = new ShutdownTimeline();

	@Test
	void preStopDelayRecordsItselfAndBeginsTheDrain() throws Exception {
		RequestDrain drain = new RequestDrain(this.requests, this.timeline, Duration.ofSeconds(30), true);
		PreStopDelay delay = new PreStopDelay(Duration.ZERO, this.requests, drain, this.timeline);
		delay.start();
		assertThat(delay.isRunning()).isTrue();
		serveOne();
		delay.stop();
		assertThat(delay.isRunning()).isFalse();
		assertThat(phases()).containsExactly("pre-stop-delay started", "pre-stop-delay ended", "requests started");
		assertThat(this.timeline.entries().get(1).counts()).isEqualTo(Map.of("requests-served", 0L));
	}

	@Test
	void countsRequestsDrainedAfterItBegan() throws Exception {
		RequestDrain drain = new RequestDrain(this.requests, this.timeline, Duration.ofSeconds(30), true);
		serveOne();
		drain.begin();
		serveOne();
		serveOne();
		drain.stop();
		assertThat(drain.drained()).isEqualTo(2);
		assertThat(drain.cutOff()).isZero();
		assertThat(phases()).containsExactly("requests started", "requests ended");
		assertThat(this.timeline.entries().get(1).counts()).containsExactly(Map.entry("requests-drained", 2L),
				Map.entry("requests-cut-off", 0L));
	}

	@Test
	void countsAndLogsRequestsStillRunningAfterTheTimeoutAsCutOff(CapturedOutput output) throws Exception {
		RequestDrain drain = new RequestDrain(this.requests, this.timeline, Duration.ofSeconds(30), true);
		drain.begin();
		// The drain ends while this request is still in flight
		this.requests.doFilter(new MockHttpServletRequest(), new MockHttpServletResponse(),
				(request, response) -> drain.stop());
		assertThat(drain.cutOff()).isOne();
		assertThat(drain.drained()).isZero();
		assertThat(output).contains("1 request still running after the shutdown timeout of 30s: cut off");
	}

	@Test
	void namesImmediateShutdownWhenItCutsOffRequests(CapturedOutput output) throws Exception {
		RequestDrain drain = new RequestDrain(this.requests, this.timeline, Duration.ofSeconds(30), false);
		this.requests.doFilter(new MockHttpServletRequest(), new MockHttpServletResponse(),
				(request, response) -> drain.stop());
		assertThat(drain.cutOff()).isOne();
		assertThat(output).contains("1 request still running with server.shutdown=immediate: cut off");
	}

	@Test
	void beginsOnlyOnce() {
		RequestDrain drain = new RequestDrain(this.requests, this.timeline, Duration.ofSeconds(30), true);
		drain.begin();
		drain.begin();
		drain.stop();
		assertThat(phases()).containsExactly("requests started", "requests ended");
	}

	private void serveOne() throws Exception {
		this.requests.doFilter(new MockHttpServletRequest(), new MockHttpServletResponse(), (request, response) -> {
		});
	}

	private List<String> phases() {
		return this.timeline.entries().stream().map((entry) -> entry.phase() + " " + entry.event()).toList();
	}

}
