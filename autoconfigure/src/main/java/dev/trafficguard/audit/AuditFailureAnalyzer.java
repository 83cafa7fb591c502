package dev.trafficguard.audit;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports an {@link AuditFailedException}: every finding that stopped startup, one line
 * each with why it matters under load and its fix.
 */
public class AuditFailureAnalyzer extends AbstractFailureAnalyzer<AuditFailedException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, AuditFailedException cause) {
		StringBuilder description = new StringBuilder(cause.getMessage()).append(':');
		for (Finding finding : cause.getFindings()) {
			description.append(System.lineSeparator())
				.append(System.lineSeparator())
				.append("  ")
				.append(finding.line());
		}
		String action = "Fix each finding as its line says, list the ids you know better about in "
				+ "traffic-guard.audit.ignore, or set traffic-guard.audit.fail-on=never to start anyway.";
		return new FailureAnalysis(description.toString(), action, cause);
	}

}
