package dev.trafficguard.shutdown;

import java.time.Duration;

import dev.trafficguard.properties.PropertyCheck;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.cloud.CloudPlatform;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.env.Environment;

/**
 * Configuration properties for graceful shutdown.
 */
@ConfigurationProperties("traffic-guard.shutdown")
public class ShutdownProperties implements InitializingBean {

	/**
	 * The pre-stop delay when Spring Boot detects Kubernetes and none is configured: long
	 * enough for the endpoint removal to reach kube-proxy and ingress controllers.
	 */
	public static final Duration KUBERNETES_PRE_STOP_DELAY = Duration.ofSeconds(5);

	/**
	 * The default shutdown timeout.
	 */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

	static final Duration MAX_PRE_STOP_DELAY = Duration.ofMinutes(5);

	static final Duration MAX_CONNECTION_CLOSE_NOTICE = Duration.ofSeconds(10);

	static final Duration MIN_TIMEOUT = Duration.ofMillis(100);

	static final Duration MAX_TIMEOUT = Duration.ofHours(1);

	/**
	 * Whether the pre-stop delay, the counted request drain and the shutdown defaults
	 * (server.shutdown, spring.lifecycle.timeout-per-shutdown-phase) are on. When false,
	 * Spring Boot's own web server shutdown applies; executors and pools still stop in
	 * order, each switched with its own feature.
	 */
	private boolean enabled = true;

	/**
	 * How long readiness reports REFUSING_TRAFFIC while the server still serves every
	 * request, new ones included, before it stops accepting, so that load balancers stop
	 * routing to the instance first. Defaults to 0, or 5s when Spring Boot detects
	 * Kubernetes.
	 */
	private @Nullable Duration preStopDelay;

	/**
	 * How long in-flight requests get to finish once the server stops accepting, and how
	 * long the database pools wait for connections in use to come back. Sets
	 * spring.lifecycle.timeout-per-shutdown-phase unless that is set. Requests still running
	 * after it are cut off and counted. Executors wait up to their own await-termination.
	 */
	private Duration timeout = DEFAULT_TIMEOUT;

	/**
	 * How long the server keeps serving, at least, once shutdown began, also with no
	 * pre-stop delay. From then on every response carries Connection: close, so a keep-alive
	 * client whose previous answer left just before sends its next request while it is still
	 * answered (and told to close), rather than on a connection the server is closing. 0
	 * turns the wait off; the header stays.
	 */
	private Duration connectionCloseNotice = Duration.ofMillis(500);

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable Duration getPreStopDelay() {
		return this.preStopDelay;
	}

	public void setPreStopDelay(@Nullable Duration preStopDelay) {
		this.preStopDelay = preStopDelay;
	}

	public Duration getConnectionCloseNotice() {
		return this.connectionCloseNotice;
	}

	public void setConnectionCloseNotice(Duration connectionCloseNotice) {
		this.connectionCloseNotice = connectionCloseNotice;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	/**
	 * The pre-stop delay in force: the configured one, or the default for the platform the
	 * application runs on.
	 * @param environment the environment in which Spring Boot detects the platform
	 * @return the pre-stop delay
	 */
	public Duration determinePreStopDelay(Environment environment) {
		if (this.preStopDelay != null) {
			return this.preStopDelay;
		}
		return CloudPlatform.KUBERNETES.isActive(environment) ? KUBERNETES_PRE_STOP_DELAY : Duration.ZERO;
	}

	@Override
	public void afterPropertiesSet() {
		if (this.preStopDelay != null) {
			PropertyCheck.between("traffic-guard.shutdown.pre-stop-delay", this.preStopDelay, Duration.ZERO,
					MAX_PRE_STOP_DELAY);
		}
		PropertyCheck.between("traffic-guard.shutdown.timeout", this.timeout, MIN_TIMEOUT, MAX_TIMEOUT);
		PropertyCheck.between("traffic-guard.shutdown.connection-close-notice", this.connectionCloseNotice,
				Duration.ZERO, MAX_CONNECTION_CLOSE_NOTICE);
	}

}
