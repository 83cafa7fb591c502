package dev.trafficguard.breaker;

import java.util.ArrayList;
import java.util.List;

import dev.trafficguard.properties.PropertyCheck;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for the circuit breaker per downstream host. The breakers'
 * thresholds are resilience4j's own properties
 * ({@code resilience4j.circuitbreaker.configs.default.*}, and
 * {@code resilience4j.circuitbreaker.instances.[host].*} for one host).
 */
@ConfigurationProperties("traffic-guard.circuit-breaker")
public class HostCircuitBreakerProperties implements InitializingBean {

	private static final String PREFIX = "traffic-guard.circuit-breaker.";

	/**
	 * Whether every call through the HTTP clients Spring Boot builds with Apache HttpClient
	 * 5 passes a circuit breaker named after the downstream host, and resilience4j's
	 * circuit breaker defaults are tuned.
	 */
	private boolean enabled = true;

	/**
	 * Response statuses that count as failures: a status such as 503, or a class such as
	 * 5xx. Connection errors and timeouts always count; other statuses (4xx) never do.
	 */
	private List<String> failureStatuses = new ArrayList<>(List.of("5xx"));

	/**
	 * Maximum number of downstream hosts with a breaker of their own. Calls to further
	 * hosts pass without a breaker and are counted.
	 */
	private int maxHosts = 200;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public List<String> getFailureStatuses() {
		return this.failureStatuses;
	}

	public void setFailureStatuses(List<String> failureStatuses) {
		this.failureStatuses = failureStatuses;
	}

	public int getMaxHosts() {
		return this.maxHosts;
	}

	public void setMaxHosts(int maxHosts) {
		this.maxHosts = maxHosts;
	}

	@Override
	public void afterPropertiesSet() {
		for (String status : this.failureStatuses) {
			PropertyCheck.check(FailureStatuses.isValid(status), PREFIX + "failure-statuses", status,
					"a status between 100 and 599 or a class such as 5xx");
		}
		PropertyCheck.between(PREFIX + "max-hosts", this.maxHosts, 1, 10_000);
	}

}
