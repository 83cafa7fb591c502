package dev.trafficguard.web;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for what the web features share.
 */
@ConfigurationProperties("traffic-guard.web")
public class TrafficGuardWebProperties {

	private final ProblemDetails problemDetails = new ProblemDetails();

	/**
	 * The one forwarded header believed from a trusted proxy (see
	 * traffic-guard.rate-limit.trusted-proxies): 'x-forwarded-for' or 'forwarded' (RFC
	 * 7239), whichever your proxy writes. The other header is ignored entirely, so a client
	 * cannot pick its identity through the header the proxy leaves untouched.
	 */
	private ClientAddressResolver.ForwardedHeader forwardedHeader = ClientAddressResolver.ForwardedHeader.X_FORWARDED_FOR;

	public ProblemDetails getProblemDetails() {
		return this.problemDetails;
	}

	public ClientAddressResolver.ForwardedHeader getForwardedHeader() {
		return this.forwardedHeader;
	}

	public void setForwardedHeader(ClientAddressResolver.ForwardedHeader forwardedHeader) {
		this.forwardedHeader = forwardedHeader;
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
