package dev.trafficguard.profiling;

import dev.trafficguard.properties.InvalidPropertyFailureAnalyzer;
import dev.trafficguard.properties.TrafficGuardAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ProfilingAutoConfiguration}.
 */
class ProfilingAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(TrafficGuardAutoConfiguration.class, ProfilingAutoConfiguration.class));

	private final WebApplicationContextRunner available = this.contextRunner.withPropertyValues(
			"management.endpoints.web.exposure.include=profiling", "management.endpoint.profiling.access=UNRESTRICTED");

	@Test
	void isNotAvailableByDefault() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(ProfilingEndpoint.class)
			.doesNotHaveBean(FlightRecorderProfiler.class));
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=*")
			.run((context) -> assertThat(context).doesNotHaveBean(ProfilingEndpoint.class));
	}

	@Test
	void isAvailableWhenGivenAccessAndExposed() {
		this.available.run((context) -> assertThat(context).hasSingleBean(ProfilingEndpoint.class)
			.hasSingleBean(FlightRecorderProfiler.class));
	}

	@Test
	void backsOffWhenProfilingIsDisabled() {
		this.available.withPropertyValues("traffic-guard.profiling.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ProfilingEndpoint.class));
		this.available.withPropertyValues("traffic-guard.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ProfilingEndpoint.class));
	}

	@Test
	void invalidLimitsFailStartupNamingTheProperty() {
		this.available.withPropertyValues("traffic-guard.profiling.max-duration=1h")
			.run((context) -> assertThat(failureDescription(context.getStartupFailure())).isEqualTo(
					"Invalid Traffic Guard configuration: traffic-guard.profiling.max-duration=1h: must be between 1s and 10m"));
		this.available.withPropertyValues("traffic-guard.profiling.max-size=10KB")
			.run((context) -> assertThat(failureDescription(context.getStartupFailure())).isEqualTo(
					"Invalid Traffic Guard configuration: traffic-guard.profiling.max-size=10240B: must be between 1MB and 1GB"));
		this.available.withPropertyValues("traffic-guard.profiling.top=0")
			.run((context) -> assertThat(failureDescription(context.getStartupFailure())).isEqualTo(
					"Invalid Traffic Guard configuration: traffic-guard.profiling.top=0: must be between 1 and 1000"));
	}

	private static String failureDescription(Throwable failure) {
		FailureAnalysis analysis = new InvalidPropertyFailureAnalyzer().analyze(failure);
		assertThat(analysis).isNotNull();
		return analysis.getDescription();
	}

}
