package dev.trafficguard.audit;

import java.util.List;
import java.util.stream.Collectors;

import dev.trafficguard.audit.AuditProperties.FailOn;

/**
 * Thrown at startup when the audit makes findings whose severity
 * {@code traffic-guard.audit.fail-on} does not accept. {@link AuditFailureAnalyzer}
 * reports it, listing the findings.
 */
public class AuditFailedException extends RuntimeException {

	private final transient List<Finding> findings;

	private final FailOn failOn;

	AuditFailedException(FailOn failOn, List<Finding> findings) {
		super("Traffic Guard's startup audit made " + findings.size()
				+ ((findings.size() != 1) ? " findings" : " finding") + " that traffic-guard.audit.fail-on="
				+ failOn.name().toLowerCase(java.util.Locale.ROOT) + " does not accept: "
				+ findings.stream().map(Finding::id).distinct().collect(Collectors.joining(", ")));
		this.failOn = failOn;
		this.findings = List.copyOf(findings);
	}

	/**
	 * The findings that stopped startup.
	 * @return the findings
	 */
	public List<Finding> getFindings() {
		return this.findings;
	}

	/**
	 * The {@code fail-on} setting in force.
	 * @return the setting
	 */
	public FailOn getFailOn() {
		return this.failOn;
	}

}
