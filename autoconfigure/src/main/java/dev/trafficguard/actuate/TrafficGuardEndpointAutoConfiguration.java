package dev.trafficguard.actuate;

import dev.trafficguard.properties.SettingSources;
import dev.trafficguard.properties.TrafficGuardAutoConfiguration;
import dev.trafficguard.properties.TrafficGuardProperties;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the {@code trafficguard} actuator
 * endpoint.
 */
@AutoConfiguration(after = TrafficGuardAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
public final class TrafficGuardEndpointAutoConfiguration {

	// The endpoint condition sits on the method: its class exists only with actuator, which
	// the class-level condition checks first.
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint(TrafficGuardEndpoint.class)
	TrafficGuardEndpoint trafficGuardEndpoint(TrafficGuardProperties properties,
			ObjectProvider<TrafficGuardContributor> contributors) {
		return new TrafficGuardEndpoint(properties.isEnabled(), contributors.orderedStream().toList());
	}

	@Bean
	TrafficGuardContributor trafficGuardPropertyDefaultsContributor(SettingSources settingSources) {
		return new PropertyDefaultsContributor(settingSources);
	}

}
