package dev.trafficguard.audit;

import java.util.ArrayList;
import java.util.List;

import dev.trafficguard.properties.PropertyCheck;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for the startup audit.
 */
@ConfigurationProperties(AuditProperties.PREFIX)
public class AuditProperties implements InitializingBean {

	static final String PREFIX = "traffic-guard.audit";

	static final int MAX_CLIENT_BUILD_THRESHOLD = 1_000_000;

	/**
	 * Whether the application's own executors, HTTP clients, pools, timeouts and exposed
	 * endpoints are audited at startup, and the findings logged and shown.
	 */
	private boolean enabled = true;

	/**
	 * Findings that stop startup: 'never', 'error' (findings of severity error) or
	 * 'warning' (findings of severity warning or error), for CI pipelines.
	 */
	private FailOn failOn = FailOn.NEVER;

	/**
	 * Ids of findings not to report, such as executor.unbounded-queue, for a finding you
	 * know better about.
	 */
	private List<String> ignore = new ArrayList<>();

	/**
	 * HTTP clients Spring Boot's builders may build once the application has started
	 * before the audit reports http-client.built-per-request (1 to 1000000).
	 */
	private int clientBuildThreshold = 50;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public FailOn getFailOn() {
		return this.failOn;
	}

	public void setFailOn(FailOn failOn) {
		this.failOn = failOn;
	}

	public List<String> getIgnore() {
		return this.ignore;
	}

	public void setIgnore(List<String> ignore) {
		this.ignore = ignore;
	}

	public int getClientBuildThreshold() {
		return this.clientBuildThreshold;
	}

	public void setClientBuildThreshold(int clientBuildThreshold) {
		this.clientBuildThreshold = clientBuildThreshold;
	}

	@Override
	public void afterPropertiesSet() {
		PropertyCheck.between(PREFIX + ".client-build-threshold", this.clientBuildThreshold, 1,
				MAX_CLIENT_BUILD_THRESHOLD);
		List<String> ids = FindingType.ids();
		for (String id : this.ignore) {
			PropertyCheck.check(ids.contains(id), PREFIX + ".ignore", id,
					"a finding id, one of " + String.join(", ", ids));
		}
	}

	/**
	 * Which findings stop startup.
	 */
	public enum FailOn {

		/**
		 * No finding stops startup; they are logged and shown.
		 */
		NEVER,

		/**
		 * A finding of severity error stops startup.
		 */
		ERROR,

		/**
		 * A finding of severity warning or error stops startup.
		 */
		WARNING;

		boolean fails(Severity severity) {
			return switch (this) {
				case NEVER -> false;
				case ERROR -> severity == Severity.ERROR;
				case WARNING -> true;
			};
		}

	}

}
