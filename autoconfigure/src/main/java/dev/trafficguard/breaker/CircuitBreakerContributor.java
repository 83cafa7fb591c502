package dev.trafficguard.breaker;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.trafficguard.actuate.TrafficGuardContributor;
import dev.trafficguard.properties.PropertyCheck;
import dev.trafficguard.properties.Setting;
import dev.trafficguard.properties.SettingSources;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import org.jspecify.annotations.Nullable;

/**
 * The {@code circuit-breaker} section of the {@code trafficguard} endpoint: the settings,
 * resilience4j's default configuration with where each value comes from, and the state and
 * counts of each downstream host's breaker.
 */
final class CircuitBreakerContributor implements TrafficGuardContributor {

	private static final String PREFIX = "traffic-guard.circuit-breaker.";

	private final HostCircuitBreakers breakers;

	private final CircuitBreakerConfig defaults;

	private final List<String> failureStatuses;

	private final SettingSources sources;

	private final OpenBreakerTimes openBreakers;

	private final SlowCallWatchdog watchdog;

	private final HostCircuitBreakerInterceptor interceptor;

	CircuitBreakerContributor(HostCircuitBreakers breakers, CircuitBreakerConfig defaults,
			List<String> failureStatuses, SettingSources sources, OpenBreakerTimes openBreakers,
			SlowCallWatchdog watchdog, HostCircuitBreakerInterceptor interceptor) {
		this.breakers = breakers;
		this.defaults = defaults;
		this.failureStatuses = List.copyOf(failureStatuses);
		this.sources = sources;
		this.openBreakers = openBreakers;
		this.watchdog = watchdog;
		this.interceptor = interceptor;
	}

	@Override
	public String name() {
		return "circuit-breaker";
	}

	@Override
	public String summary() {
		CircuitBreakerConfig config = this.defaults;
		return "a breaker per downstream host (at most " + this.breakers.getMaxHosts() + " hosts), failures "
				+ this.failureStatuses + "; opens at " + config.getFailureRateThreshold() + "% failed of at least "
				+ config.getMinimumNumberOfCalls() + " calls in the last " + config.getSlidingWindowSize()
				+ ((config.getSlidingWindowType() == CircuitBreakerConfig.SlidingWindowType.TIME_BASED) ? "s"
						: " calls")
				+ ", stays open "
				+ PropertyCheck.format(Duration.ofMillis(config.getWaitIntervalFunctionInOpenState().apply(1)));
	}

	@Override
	public Object describe() {
		Map<String, Setting> settings = new LinkedHashMap<>();
		settings.put("failure-statuses", this.sources.describe(PREFIX + "failure-statuses", this.failureStatuses));
		settings.put("max-hosts", this.sources.describe(PREFIX + "max-hosts", this.breakers.getMaxHosts()));
		String r4j = CircuitBreakerPropertyDefaults.PREFIX;
		CircuitBreakerConfig config = this.defaults;
		settings.put(r4j + "sliding-window-type",
				this.sources.describe(r4j + "sliding-window-type", config.getSlidingWindowType()));
		settings.put(r4j + "sliding-window-size",
				this.sources.describe(r4j + "sliding-window-size", config.getSlidingWindowSize()));
		settings.put(r4j + "minimum-number-of-calls",
				this.sources.describe(r4j + "minimum-number-of-calls", config.getMinimumNumberOfCalls()));
		settings.put(r4j + "failure-rate-threshold",
				this.sources.describe(r4j + "failure-rate-threshold", config.getFailureRateThreshold()));
		settings.put(r4j + "wait-duration-in-open-state", this.sources.describe(r4j + "wait-duration-in-open-state",
				PropertyCheck.format(Duration.ofMillis(config.getWaitIntervalFunctionInOpenState().apply(1)))));
		settings.put(r4j + "permitted-number-of-calls-in-half-open-state",
				this.sources.describe(r4j + "permitted-number-of-calls-in-half-open-state",
						config.getPermittedNumberOfCallsInHalfOpenState()));
		settings.put(r4j + "slow-call-duration-threshold", this.sources.describe(r4j + "slow-call-duration-threshold",
				PropertyCheck.format(config.getSlowCallDurationThreshold())));
		settings.put(r4j + "slow-call-rate-threshold",
				this.sources.describe(r4j + "slow-call-rate-threshold", config.getSlowCallRateThreshold()));
		Map<String, HostBreaker> hosts = new LinkedHashMap<>();
		for (CircuitBreaker breaker : this.breakers.all()) {
			CircuitBreaker.Metrics metrics = breaker.getMetrics();
			CircuitBreaker.State state = breaker.getState();
			Long retryAfter = (state == CircuitBreaker.State.OPEN)
					? this.openBreakers.retryAfter(breaker.getName()).toSeconds() : null;
			hosts.put(breaker.getName(),
					new HostBreaker(state.name(), metrics.getFailureRate(), metrics.getSlowCallRate(),
							metrics.getNumberOfBufferedCalls(), metrics.getNumberOfFailedCalls(),
							metrics.getNumberOfSlowCalls(), metrics.getNumberOfNotPermittedCalls(), retryAfter));
		}
		return new Section(settings, this.breakers.getUntrackedCalls(), this.watchdog.getRecordedWhileRunning(),
				this.interceptor.getNotSent(), hosts);
	}

	/**
	 * The section.
	 *
	 * @param settings the settings with their sources
	 * @param untrackedCalls calls that passed without a breaker because max-hosts was
	 * reached
	 * @param slowWhileRunningCalls calls recorded as slow while still running
	 * @param notSentCalls calls that failed before their request left the process, not
	 * counted
	 * @param hosts each host's breaker
	 */
	record Section(Map<String, Setting> settings, long untrackedCalls, long slowWhileRunningCalls,
			long notSentCalls, Map<String, HostBreaker> hosts) {

	}

	/**
	 * One host's breaker. Rates are -1 until the minimum number of calls is reached.
	 */
	record HostBreaker(String state, float failureRate, float slowCallRate, int bufferedCalls, int failedCalls,
			int slowCalls, long notPermittedCalls, @Nullable Long openForSeconds) {

	}

}
