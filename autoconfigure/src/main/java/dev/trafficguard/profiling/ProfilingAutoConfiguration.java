package dev.trafficguard.profiling;

import dev.trafficguard.actuate.ActuatorBasePath;
import dev.trafficguard.properties.TrafficGuardAutoConfiguration;
import jdk.jfr.Recording;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the {@code profiling} actuator
 * endpoint: profiles recorded with JDK Flight Recorder, threads grouped by stack and a heap
 * histogram. The endpoint is created only when it is available: given access
 * ({@code management.endpoint.profiling.access}, {@code none} by default) and exposed.
 */
@AutoConfiguration(after = TrafficGuardAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, Recording.class })
@ConditionalOnBooleanProperty(name = { "traffic-guard.enabled", "traffic-guard.profiling.enabled" },
		matchIfMissing = true)
@EnableConfigurationProperties(ProfilingProperties.class)
public final class ProfilingAutoConfiguration {

	// The endpoint condition sits on the methods: its class exists only with actuator, which
	// the class-level condition checks first.
	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint(ProfilingEndpoint.class)
	FlightRecorderProfiler trafficGuardFlightRecorderProfiler(ProfilingProperties properties) {
		return new FlightRecorderProfiler(properties.getMaxSize().toBytes());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint(ProfilingEndpoint.class)
	ProfilingEndpoint trafficGuardProfilingEndpoint(FlightRecorderProfiler profiler, ProfilingProperties properties,
			Environment environment) {
		String basePath = ActuatorBasePath.of(environment);
		return new ProfilingEndpoint(profiler, properties, ((basePath != null) ? basePath : "") + "/profiling");
	}

}
