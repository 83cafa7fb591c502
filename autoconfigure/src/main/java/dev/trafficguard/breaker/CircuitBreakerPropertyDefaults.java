package dev.trafficguard.breaker;

import java.util.List;
import java.util.Map;

import dev.trafficguard.properties.PropertyDefaults;
import dev.trafficguard.properties.SettingSource;
import dev.trafficguard.properties.SettingSources;

import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Tuned defaults for resilience4j's default circuit breaker configuration, which the
 * breaker of each downstream host, every {@code @CircuitBreaker} and every other user of
 * the {@code CircuitBreakerRegistry} without a base configuration of its own inherit: trip
 * when at least 10 calls in a 10-second window failed 50% or more (or were slower than
 * 2 s, below the shared HTTP client's 5 s response timeout), stay open 30 s, then let 3
 * trial calls through. A rejected call throws an exception
 * without a stack trace, as it happens on the hot path of an overloaded service. Any value
 * the user sets, here or per instance, wins.
 * <p>
 * The defaults are contributed only when the breaker per downstream host can be active:
 * Apache HttpClient 5, Spring Boot's HTTP client support and resilience4j's Spring Boot
 * integration are on the class path (and the feature is not switched off). The window's
 * type and size go together: when the user sets either of them for the default
 * configuration, neither is contributed, so a user's {@code sliding-window-size: 100} keeps
 * resilience4j's meaning of 100 calls.
 */
public final class CircuitBreakerPropertyDefaults implements PropertyDefaults {

	static final String PREFIX = "resilience4j.circuitbreaker.configs.default.";

	static final String SLIDING_WINDOW_TYPE = PREFIX + "sliding-window-type";

	static final String SLIDING_WINDOW_SIZE = PREFIX + "sliding-window-size";

	private static final List<String> REQUIRED_CLASSES = List.of(
			"io.github.resilience4j.circuitbreaker.CircuitBreaker",
			"io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration",
			"org.apache.hc.client5.http.classic.ExecChainHandler",
			"org.springframework.boot.http.client.HttpComponentsClientHttpRequestFactoryBuilder",
			"org.springframework.boot.http.client.autoconfigure.ClientHttpRequestFactoryBuilderCustomizer");

	private final ClassLoader classLoader;

	/**
	 * Create an instance that looks for the libraries with its own class loader.
	 */
	public CircuitBreakerPropertyDefaults() {
		this(CircuitBreakerPropertyDefaults.class.getClassLoader());
	}

	CircuitBreakerPropertyDefaults(ClassLoader classLoader) {
		this.classLoader = classLoader;
	}

	@Override
	public String feature() {
		return "circuit-breaker";
	}

	@Override
	public void contribute(Environment environment, Map<String, Object> defaults) {
		if (!REQUIRED_CLASSES.stream().allMatch((name) -> ClassUtils.isPresent(name, this.classLoader))) {
			return;
		}
		SettingSources sources = new SettingSources(environment);
		if (sources.sourceOf(SLIDING_WINDOW_TYPE) != SettingSource.USER
				&& sources.sourceOf(SLIDING_WINDOW_SIZE) != SettingSource.USER) {
			defaults.put(SLIDING_WINDOW_TYPE, "TIME_BASED");
			defaults.put(SLIDING_WINDOW_SIZE, 10);
		}
		defaults.put(PREFIX + "minimum-number-of-calls", 10);
		defaults.put(PREFIX + "failure-rate-threshold", 50);
		defaults.put(PREFIX + "wait-duration-in-open-state", "30s");
		defaults.put(PREFIX + "permitted-number-of-calls-in-half-open-state", 3);
		defaults.put(PREFIX + "slow-call-duration-threshold", "2s");
		defaults.put(PREFIX + "slow-call-rate-threshold", 50);
		defaults.put(PREFIX + "writable-stack-trace-enabled", false);
	}

}
