package dev.trafficguard.overload;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Binds the limiter's meters, read from the counts it keeps so the request path never
 * touches a registry: {@code traffic.guard.overload.limit} and
 * {@code traffic.guard.overload.in.flight} (gauges), {@code traffic.guard.overload.admitted}
 * and {@code traffic.guard.overload.shed} per {@code reason} ({@code limit},
 * {@code queue-time}, {@code wait-timeout}) (counters).
 */
final class OverloadMetrics implements MeterBinder {

	static final String LIMIT = "traffic.guard.overload.limit";

	static final String IN_FLIGHT = "traffic.guard.overload.in.flight";

	static final String ADMITTED = "traffic.guard.overload.admitted";

	static final String SHED = "traffic.guard.overload.shed";

	private final RequestLimiter limiter;

	OverloadMetrics(RequestLimiter limiter) {
		this.limiter = limiter;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder(LIMIT, this.limiter, RequestLimiter::getLimit)
			.description("Requests the overload limiter admits at once")
			.register(registry);
		Gauge.builder(IN_FLIGHT, this.limiter, RequestLimiter::getInFlight)
			.description("Requests holding a slot of the overload limiter")
			.register(registry);
		FunctionCounter.builder(ADMITTED, this.limiter, RequestLimiter::getAdmitted)
			.description("Requests the overload limiter admitted")
			.register(registry);
		for (ShedReason reason : ShedReason.values()) {
			FunctionCounter.builder(SHED, this.limiter, (limiter) -> limiter.getShed(reason))
				.description("Requests shed under overload")
				.tag("reason", reason.tag())
				.register(registry);
		}
	}

}
