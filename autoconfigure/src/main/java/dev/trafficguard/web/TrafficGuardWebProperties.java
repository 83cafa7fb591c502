package dev.trafficguard.web;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for what the web features share.
 */
@ConfigurationProperties("traffic-guard.web")
public class TrafficGuardWebProperties {

	private final ProblemDetails problemDetails = new ProblemDetails();

	public ProblemDetails getProblemDetails() {
		return this.problemDetails;
	}

	/**
	 * Problem details for errors.
	 */
	public static class ProblemDetails {

		/**
		 * Whether exceptions that escape a request (a full executor, an open circuit breaker,
		 * a saturated pool) are answered with RFC 9457 problem details and a fitting 5xx
		 * status, and Spring MVC's own problem details
		 * (spring.mvc.problemdetails.enabled) default to on.
		 */
		private boolean enabled = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

}
