package dev.trafficguard.http;

import java.time.Duration;

import dev.trafficguard.properties.PropertyCheck;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for the shared HTTP client connection pool.
 */
@ConfigurationProperties("traffic-guard.http-client")
public class HttpClientProperties implements InitializingBean {

	private static final String PREFIX = "traffic-guard.http-client.";

	/**
	 * Whether every HTTP client Spring Boot builds with Apache HttpClient 5 shares one
	 * bounded connection pool with the timeouts below.
	 */
	private boolean enabled = true;

	/**
	 * Maximum number of connections in the shared pool, across every downstream host.
	 */
	private int maxTotal = 100;

	/**
	 * Maximum number of connections to one downstream host (route). Below max-total, so
	 * one slow downstream cannot take every connection.
	 */
	private int maxPerRoute = 20;

	/**
	 * Maximum number of calls in flight to one downstream host; a call beyond it is refused
	 * at once (503 when it escapes a web request) instead of waiting for a connection, so a
	 * host that never answers holds at most this many request threads. Defaults to half of
	 * max-per-route (at least 1).
	 */
	private @Nullable Integer maxCallsPerHost;

	/**
	 * How long to wait for a TCP connection to be established.
	 * spring.http.clients.connect-timeout wins when set.
	 */
	private Duration connectTimeout = Duration.ofSeconds(2);

	/**
	 * How long a call waits for a connection from the pool when the host's or the pool's
	 * limit is reached, before it fails.
	 */
	private Duration leaseTimeout = Duration.ofSeconds(1);

	/**
	 * How long to wait for the response (and between two reads of it) before the call
	 * fails. spring.http.clients.read-timeout, or a client's own read timeout, wins when
	 * set.
	 */
	private Duration responseTimeout = Duration.ofSeconds(5);

	/**
	 * How long an idle pooled connection is kept before it is closed.
	 */
	private Duration idleTimeout = Duration.ofSeconds(90);

	/**
	 * Longest life of a pooled connection, so that DNS changes and load-balancer
	 * rebalancing are picked up.
	 */
	private Duration timeToLive = Duration.ofMinutes(5);

	/**
	 * Idle time after which a pooled connection is checked before it is reused.
	 */
	private Duration validateAfterInactivity = Duration.ofSeconds(2);

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public int getMaxTotal() {
		return this.maxTotal;
	}

	public void setMaxTotal(int maxTotal) {
		this.maxTotal = maxTotal;
	}

	public int getMaxPerRoute() {
		return this.maxPerRoute;
	}

	public void setMaxPerRoute(int maxPerRoute) {
		this.maxPerRoute = maxPerRoute;
	}

	public @Nullable Integer getMaxCallsPerHost() {
		return this.maxCallsPerHost;
	}

	public void setMaxCallsPerHost(@Nullable Integer maxCallsPerHost) {
		this.maxCallsPerHost = maxCallsPerHost;
	}

	/**
	 * The maximum calls in flight per host set, or half of max-per-route (at least 1).
	 * @return the maximum calls in flight per host in force
	 */
	public int maxCallsPerHostInForce() {
		return (this.maxCallsPerHost != null) ? this.maxCallsPerHost : Math.max(1, this.maxPerRoute / 2);
	}

	public Duration getConnectTimeout() {
		return this.connectTimeout;
	}

	public void setConnectTimeout(Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
	}

	public Duration getLeaseTimeout() {
		return this.leaseTimeout;
	}

	public void setLeaseTimeout(Duration leaseTimeout) {
		this.leaseTimeout = leaseTimeout;
	}

	public Duration getResponseTimeout() {
		return this.responseTimeout;
	}

	public void setResponseTimeout(Duration responseTimeout) {
		this.responseTimeout = responseTimeout;
	}

	public Duration getIdleTimeout() {
		return this.idleTimeout;
	}

	public void setIdleTimeout(Duration idleTimeout) {
		this.idleTimeout = idleTimeout;
	}

	public Duration getTimeToLive() {
		return this.timeToLive;
	}

	public void setTimeToLive(Duration timeToLive) {
		this.timeToLive = timeToLive;
	}

	public Duration getValidateAfterInactivity() {
		return this.validateAfterInactivity;
	}

	public void setValidateAfterInactivity(Duration validateAfterInactivity) {
		this.validateAfterInactivity = validateAfterInactivity;
	}

	@Override
	public void afterPropertiesSet() {
		PropertyCheck.between(PREFIX + "max-total", this.maxTotal, 1, 10_000);
		PropertyCheck.between(PREFIX + "max-per-route", this.maxPerRoute, 1, this.maxTotal);
		if (this.maxCallsPerHost != null) {
			PropertyCheck.between(PREFIX + "max-calls-per-host", this.maxCallsPerHost, 1, this.maxPerRoute);
		}
		PropertyCheck.between(PREFIX + "connect-timeout", this.connectTimeout, Duration.ofMillis(1),
				Duration.ofMinutes(5));
		PropertyCheck.between(PREFIX + "lease-timeout", this.leaseTimeout, Duration.ofMillis(1),
				Duration.ofMinutes(5));
		PropertyCheck.between(PREFIX + "response-timeout", this.responseTimeout, Duration.ofMillis(1),
				Duration.ofHours(1));
		PropertyCheck.between(PREFIX + "idle-timeout", this.idleTimeout, Duration.ofSeconds(1), Duration.ofHours(1));
		PropertyCheck.between(PREFIX + "time-to-live", this.timeToLive, Duration.ofSeconds(1), Duration.ofDays(1));
		PropertyCheck.between(PREFIX + "validate-after-inactivity", this.validateAfterInactivity, Duration.ZERO,
				Duration.ofHours(1));
	}

}
