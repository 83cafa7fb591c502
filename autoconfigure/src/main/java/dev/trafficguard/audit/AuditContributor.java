package dev.trafficguard.audit;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import dev.trafficguard.actuate.TrafficGuardContributor;
import org.jspecify.annotations.Nullable;

/**
 * The {@code audit} section of the {@code trafficguard} endpoint: every finding not ignored,
 * the counts per severity, the ids ignored, and the HTTP clients built since startup.
 */
final class AuditContributor implements TrafficGuardContributor {

	private final StartupAudit audit;

	private final AuditProperties properties;

	private final @Nullable ClientBuildCounter clientBuilds;

	AuditContributor(StartupAudit audit, AuditProperties properties, @Nullable ClientBuildCounter clientBuilds) {
		this.audit = audit;
		this.properties = properties;
		this.clientBuilds = clientBuilds;
	}

	@Override
	public String name() {
		return "audit";
	}

	@Override
	public Object describe() {
		Map<String, Object> section = new LinkedHashMap<>();
		section.put("ran", this.audit.hasRun());
		section.put("failOn", this.properties.getFailOn().name().toLowerCase(Locale.ROOT));
		section.put("ignore", this.properties.getIgnore());
		section.put("suppressed", this.audit.getSuppressed());
		Map<String, Integer> counts = new LinkedHashMap<>();
		for (Severity severity : Severity.values()) {
			counts.put(severity.label(), this.audit.count(severity));
		}
		section.put("counts", counts);
		section.put("findings", this.audit.getFindings());
		if (this.clientBuilds != null) {
			section.put("clientBuilds", Map.of("sinceStartup", this.clientBuilds.builtSinceStartup(), "threshold",
					this.clientBuilds.threshold()));
		}
		return section;
	}

}
