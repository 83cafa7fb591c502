package dev.trafficguard.properties;

import dev.trafficguard.lifecycle.ShutdownTimeline;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for what every Traffic Guard feature
 * shares: the master switch, the sources of effective settings and the shutdown timeline.
 */
@AutoConfiguration
@EnableConfigurationProperties(TrafficGuardProperties.class)
public final class TrafficGuardAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SettingSources trafficGuardSettingSources(Environment environment) {
		return new SettingSources(environment);
	}

	@Bean
	@ConditionalOnMissingBean
	ShutdownTimeline trafficGuardShutdownTimeline() {
		return new ShutdownTimeline();
	}

}
