package dev.trafficguard.actuate;

import java.util.List;

import dev.trafficguard.properties.VirtualThreads;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;

/**
 * Logs, once the application is ready, one INFO block that says what Traffic Guard set: a
 * line per feature from its {@link TrafficGuardContributor#summary()}. A setting Traffic
 * Guard finds ignored (virtual threads before Java 21) is a WARN line of its own.
 */
public final class StartupSummary implements ApplicationListener<ApplicationReadyEvent> {

	private static final Log logger = LogFactory.getLog(StartupSummary.class);

	private final ObjectProvider<TrafficGuardContributor> contributors;

	private final Environment environment;

	private volatile boolean logged;

	/**
	 * Create a summary of the given contributors.
	 * @param contributors the features' contributors, in order
	 * @param environment the environment
	 */
	public StartupSummary(ObjectProvider<TrafficGuardContributor> contributors, Environment environment) {
		this.contributors = contributors;
		this.environment = environment;
	}

	@Override
	public void onApplicationEvent(ApplicationReadyEvent event) {
		if (this.logged || event.getApplicationContext().getEnvironment() != this.environment) {
			return;
		}
		this.logged = true;
		String ignored = VirtualThreads.ignoredReason(this.environment);
		if (ignored != null) {
			logger.warn("Traffic Guard: " + ignored);
		}
		if (logger.isInfoEnabled()) {
			logger.info(summary(this.contributors.orderedStream().toList()));
		}
	}

	/**
	 * The summary block: a first line, then one line per contributor that has one.
	 * @param contributors the contributors
	 * @return the block
	 */
	static String summary(List<TrafficGuardContributor> contributors) {
		StringBuilder summary = new StringBuilder("Traffic Guard set:");
		int lines = 0;
		for (TrafficGuardContributor contributor : contributors) {
			String line = safeSummary(contributor);
			if (line != null) {
				summary.append(System.lineSeparator()).append("  ").append(contributor.name()).append(": ").append(line);
				lines++;
			}
		}
		if (lines == 0) {
			summary.append(" nothing (every feature is off or backed off)");
		}
		return summary.toString();
	}

	private static @Nullable String safeSummary(TrafficGuardContributor contributor) {
		try {
			return contributor.summary();
		}
		catch (RuntimeException ex) {
			// A summary must never stop a started application.
			return "(no summary: " + ex + ")";
		}
	}

}
