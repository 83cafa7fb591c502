package dev.trafficguard.shutdown;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Binds the request counts of shutdown to a {@link MeterRegistry}:
 * {@code traffic.guard.shutdown.requests.in.flight},
 * {@code traffic.guard.shutdown.requests.drained} and
 * {@code traffic.guard.shutdown.requests.cut.off}.
 */
public final class RequestDrainMetrics implements MeterBinder {

	private final InFlightRequestFilter requests;

	private final RequestDrain requestDrain;

	/**
	 * Create the metrics.
	 * @param requests the requests being served
	 * @param requestDrain the drain at shutdown
	 */
	public RequestDrainMetrics(InFlightRequestFilter requests, RequestDrain requestDrain) {
		this.requests = requests;
		this.requestDrain = requestDrain;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("traffic.guard.shutdown.requests.in.flight", this.requests, InFlightRequestFilter::inFlight)
			.description("Requests being served")
			.baseUnit("requests")
			.register(registry);
		FunctionCounter.builder("traffic.guard.shutdown.requests.drained", this.requestDrain, RequestDrain::drained)
			.description("Requests that finished while the web server shut down gracefully")
			.baseUnit("requests")
			.register(registry);
		FunctionCounter.builder("traffic.guard.shutdown.requests.cut.off", this.requestDrain, RequestDrain::cutOff)
			.description("Requests still running when the shutdown timeout ran out")
			.baseUnit("requests")
			.register(registry);
	}

}
