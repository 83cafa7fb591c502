package dev.trafficguard.actuate;

import dev.trafficguard.properties.TrafficGuardAutoConfiguration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the {@link StartupSummary}: one INFO
 * block at startup saying what Traffic Guard set, with or without the actuator.
 */
@AutoConfiguration(after = TrafficGuardAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "traffic-guard.enabled", matchIfMissing = true)
public final class StartupSummaryAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	StartupSummary trafficGuardStartupSummary(ObjectProvider<TrafficGuardContributor> contributors,
			Environment environment) {
		return new StartupSummary(contributors, environment);
	}

}
