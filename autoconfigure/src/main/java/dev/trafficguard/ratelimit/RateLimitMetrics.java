package dev.trafficguard.ratelimit;

import java.util.concurrent.atomic.LongAdder;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Binds the rate limiter's meters: {@code traffic.guard.ratelimit.requests} per rule and
 * outcome ({@code allowed}, {@code limited}, {@code fail-open}, {@code fail-closed},
 * {@code invalid-key}), read from the counts the filter keeps, so the request path never
 * touches a registry; {@code traffic.guard.ratelimit.overflow} per rule, the requests of
 * clients that shared the overflow bucket of a full table; and the
 * {@code traffic.guard.ratelimit.clients} gauge of clients tracked by the local backend.
 */
final class RateLimitMetrics implements MeterBinder {

	static final String REQUESTS = "traffic.guard.ratelimit.requests";

	static final String CLIENTS = "traffic.guard.ratelimit.clients";

	static final String OVERFLOW = "traffic.guard.ratelimit.overflow";

	private final RateLimitRules rules;

	private final RateLimitBackend backend;

	RateLimitMetrics(RateLimitRules rules, RateLimitBackend backend) {
		this.rules = rules;
		this.backend = backend;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (RateLimitRule rule : this.rules.rules()) {
			counter(registry, rule, "allowed", rule.allowed);
			counter(registry, rule, "limited", rule.limited);
			counter(registry, rule, "fail-open", rule.failOpen);
			counter(registry, rule, "fail-closed", rule.failClosed);
			counter(registry, rule, "invalid-key", rule.invalidKey);
			FunctionCounter.builder(OVERFLOW, rule.overflow, LongAdder::sum)
				.description("Requests of clients that shared the overflow bucket because the rule's table was full")
				.tag("rule", rule.name())
				.register(registry);
		}
		if (this.backend.trackedClients() >= 0) {
			Gauge.builder(CLIENTS, this.backend, RateLimitBackend::trackedClients)
				.description("Clients whose token buckets this instance keeps")
				.tag("backend", this.backend.name())
				.register(registry);
		}
	}

	private static void counter(MeterRegistry registry, RateLimitRule rule, String outcome, LongAdder count) {
		FunctionCounter.builder(REQUESTS, count, LongAdder::sum)
			.description("Requests decided by the rate limiter")
			.tag("rule", rule.name())
			.tag("outcome", outcome)
			.register(registry);
	}

}
