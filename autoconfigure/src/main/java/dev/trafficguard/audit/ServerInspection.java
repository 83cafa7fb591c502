package dev.trafficguard.audit;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.trafficguard.properties.PropertyCheck;
import dev.trafficguard.properties.SettingSource;
import dev.trafficguard.properties.SettingSources;
import dev.trafficguard.properties.TrafficGuardFeatures;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.util.unit.DataSize;

/**
 * Finds, in a web application, what makes a deploy or a burst of traffic hurt: an immediate
 * shutdown ({@code shutdown.immediate}), a shutdown phase shorter than the drain needs
 * ({@code shutdown.phase-timeout-too-short}), Tomcat limits set back to unbounded
 * ({@code tomcat.unbounded-limit}), and the rate limit or the overload protection switched
 * off ({@code rate-limit.disabled}, {@code overload.disabled}). Everything is read from the
 * environment, so the audit depends on no other feature's classes.
 */
final class ServerInspection implements Inspection {

	static final String PHASE_TIMEOUT = "spring.lifecycle.timeout-per-shutdown-phase";

	private static final String TOMCAT = "org.apache.catalina.startup.Tomcat";

	private static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

	/**
	 * Tomcat's limits and the type each is read as; a negative value means no limit.
	 */
	private static final Map<String, Class<?>> TOMCAT_LIMITS = tomcatLimits();

	private final boolean servlet;

	/**
	 * Create an inspection.
	 * @param servlet whether the application is a servlet one (the rate limit is a servlet
	 * filter)
	 */
	ServerInspection(boolean servlet) {
		this.servlet = servlet;
	}

	private static Map<String, Class<?>> tomcatLimits() {
		Map<String, Class<?>> limits = new LinkedHashMap<>();
		limits.put("server.tomcat.max-connections", Integer.class);
		limits.put("server.tomcat.connection-timeout", Duration.class);
		limits.put("server.tomcat.keep-alive-timeout", Duration.class);
		limits.put("server.tomcat.max-keep-alive-requests", Integer.class);
		limits.put("server.tomcat.max-swallow-size", DataSize.class);
		limits.put("server.tomcat.max-http-form-post-size", DataSize.class);
		limits.put("server.tomcat.max-parameter-count", Integer.class);
		limits.put("server.tomcat.max-part-count", Integer.class);
		limits.put("server.tomcat.max-part-header-size", DataSize.class);
		return limits;
	}

	@Override
	public String name() {
		return "server";
	}

	@Override
	public void inspect(AuditScope scope) {
		String shutdown = scope.environment().getProperty("server.shutdown");
		if ("immediate".equalsIgnoreCase(shutdown)) {
			scope.report(FindingType.SHUTDOWN_IMMEDIATE.at("server.shutdown=immediate",
					"the web server stops at once on shutdown"));
		}
		inspectPhaseTimeout(scope);
		if (scope.isPresent(TOMCAT)) {
			TOMCAT_LIMITS.forEach((property, type) -> {
				Object value = scope.property(property, type);
				if (value != null && isNegative(value)) {
					String written = scope.environment().getProperty(property);
					scope.report(FindingType.TOMCAT_UNBOUNDED.at(property + "=" + written,
							"a negative value removes the limit"));
				}
			});
		}
		if (this.servlet && Boolean.FALSE.equals(scope.property("traffic-guard.rate-limit.enabled", Boolean.class))) {
			scope.report(FindingType.RATE_LIMIT_DISABLED.at("traffic-guard.rate-limit.enabled=false",
					"the rate limit is switched off in a web application"));
		}
		if (Boolean.FALSE.equals(scope.property("traffic-guard.overload.enabled", Boolean.class))) {
			scope.report(FindingType.OVERLOAD_DISABLED.at("traffic-guard.overload.enabled=false",
					"the overload protection is switched off in a web application"));
		}
	}

	private static boolean isNegative(Object value) {
		if (value instanceof Duration duration) {
			return duration.isNegative();
		}
		if (value instanceof DataSize size) {
			return size.isNegative();
		}
		return ((Number) value).longValue() < 0;
	}

	/**
	 * The timeout per shutdown phase in force (the user's, Traffic Guard's from
	 * {@code traffic-guard.shutdown.timeout}, or Spring's 30s) against the longest a request
	 * may still need: Traffic Guard's drain timeout, the transaction timeout and the HTTP
	 * clients' response timeout, as far as they are set.
	 */
	private void inspectPhaseTimeout(AuditScope scope) {
		Duration phase = scope.property(PHASE_TIMEOUT, Duration.class);
		if (phase == null) {
			phase = DEFAULT_SHUTDOWN_TIMEOUT;
		}
		Map<String, @Nullable Duration> needs = new LinkedHashMap<>();
		if (TrafficGuardFeatures.isEnabled(scope.environment(), "shutdown")) {
			Duration drain = scope.property("traffic-guard.shutdown.timeout", Duration.class);
			needs.put("traffic-guard.shutdown.timeout", (drain != null) ? drain : DEFAULT_SHUTDOWN_TIMEOUT);
		}
		needs.put("spring.transaction.default-timeout", seconds(scope, "spring.transaction.default-timeout"));
		needs.put("spring.http.clients.read-timeout",
				scope.property("spring.http.clients.read-timeout", Duration.class));
		needs.put("traffic-guard.http-client.response-timeout",
				scope.property("traffic-guard.http-client.response-timeout", Duration.class));
		String longest = null;
		Duration longestNeed = Duration.ZERO;
		for (Map.Entry<String, @Nullable Duration> need : needs.entrySet()) {
			Duration value = need.getValue();
			if (value != null && value.compareTo(longestNeed) > 0) {
				longest = need.getKey();
				longestNeed = value;
			}
		}
		if (longest != null && phase.compareTo(longestNeed) < 0) {
			SettingSource source = new SettingSources(scope.environment()).sourceOf(PHASE_TIMEOUT);
			String origin = switch (source) {
				case USER -> "";
				case TRAFFIC_GUARD -> " (from traffic-guard.shutdown.timeout)";
				case LIBRARY_DEFAULT -> " (Spring's default)";
			};
			scope.report(FindingType.SHUTDOWN_PHASE_TOO_SHORT.at(
					PHASE_TIMEOUT + "=" + PropertyCheck.format(phase) + origin,
					"shorter than " + longest + "=" + PropertyCheck.format(longestNeed)));
		}
	}

	private static @Nullable Duration seconds(AuditScope scope, String property) {
		String value = scope.environment().getProperty(property);
		if (value == null || value.isBlank()) {
			return null;
		}
		try {
			return DurationStyle.detectAndParse(value.trim(), ChronoUnit.SECONDS);
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

}
