package dev.trafficguard.datasource;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a {@link ConnectionLimitExceededException}: which figures do not fit, and the ways
 * to make them fit.
 */
public class ConnectionLimitFailureAnalyzer extends AbstractFailureAnalyzer<ConnectionLimitExceededException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ConnectionLimitExceededException cause) {
		String action = "Lower spring.datasource.hikari.maximum-pool-size or "
				+ "traffic-guard.datasource.expected-instances, raise the database's max_connections, "
				+ "put a connection pooler such as PgBouncer in front of the database, or set "
				+ "traffic-guard.datasource.oversubscription=warn to start anyway.";
		return new FailureAnalysis(cause.getMessage(), action, cause);
	}

}
