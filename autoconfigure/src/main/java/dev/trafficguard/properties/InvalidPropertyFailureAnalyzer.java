package dev.trafficguard.properties;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports an {@link InvalidPropertyException} the way Spring Boot reports a port already in
 * use: what is wrong, and what to do about it.
 */
public class InvalidPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidPropertyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidPropertyException cause) {
		String description = "Invalid Traffic Guard configuration: " + cause.getMessage();
		String action = "Set '" + cause.getProperty() + "' to a value " + cause.getAllowed()
				+ " (in application.properties or YAML, a profile, an environment variable or a command-line argument).";
		return new FailureAnalysis(description, action, cause);
	}

}
