package dev.trafficguard.targets;

import java.time.Duration;
import java.util.List;

import dev.trafficguard.actuate.HealthStatuses;
import dev.trafficguard.properties.InvalidPropertyFailureAnalyzer;
import dev.trafficguard.properties.TrafficGuardAutoConfiguration;
import dev.trafficguard.test.TrafficGuardDefaultsInitializer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * Tests for {@link TargetsAutoConfiguration} and {@link TargetsPropertyDefaults}.
 */
class TargetsAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(TrafficGuardAutoConfiguration.class, TargetsAutoConfiguration.class));

	@Test
	void observesEveryTargetAndTimesRequests() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(TargetMonitor.class)
				.hasSingleBean(RequestTimings.class)
				.hasSingleBean(RequestTimingFilter.class)
				.hasBean("trafficGuardTargetsHealthIndicator")
				.hasBean("trafficGuardTargetsContributor")
				.hasSingleBean(TargetsMetrics.class);
			assertThat(context.getBean(TargetMonitor.class).names()).containsExactly("p50-latency", "p99-latency",
					"live-threads", "heap-growth", "gc-pause");
			FilterRegistrationBean<?> registration = context.getBean("trafficGuardRequestTimingFilterRegistration",
					FilterRegistrationBean.class);
			assertThat(registration.determineDispatcherTypes()).containsExactly(jakarta.servlet.DispatcherType.REQUEST);
		});
	}

	@Test
	void aTargetCanBeSwitchedOff() {
		this.contextRunner
			.withPropertyValues("traffic-guard.targets.gc-pause.enabled=false",
					"traffic-guard.targets.p50-latency.enabled=false")
			.run((context) -> assertThat(context.getBean(TargetMonitor.class).names()).containsExactly("p99-latency",
					"live-threads", "heap-growth"));
	}

	@Test
	void goalsAndWarnLevelsBind() {
		this.contextRunner
			.withPropertyValues("traffic-guard.targets.p99-latency.goal=40ms",
					"traffic-guard.targets.p99-latency.warn=90ms", "traffic-guard.targets.live-threads.goal=100",
					"traffic-guard.targets.live-threads.warn=200", "traffic-guard.targets.heap-growth.warn=50",
					"traffic-guard.targets.window=30s")
			.run((context) -> {
				TargetMonitor monitor = context.getBean(TargetMonitor.class);
				assertThat(monitor.window()).isEqualTo(Duration.ofSeconds(30));
				List<TargetMonitor.Observation> observations = monitor.evaluate();
				assertThat(observations).filteredOn((observation) -> observation.name().equals("p99-latency"))
					.singleElement()
					.satisfies((observation) -> {
						assertThat(observation.goal()).isEqualTo(40.0);
						assertThat(observation.warn()).isEqualTo(90.0);
						assertThat(observation.state()).isEqualTo(TargetState.NO_DATA);
					});
				assertThat(observations).filteredOn((observation) -> observation.name().equals("live-threads"))
					.singleElement()
					.satisfies((observation) -> assertThat(observation.warn()).isEqualTo(200.0));
			});
	}

	@Test
	void gaugesReportEachTarget() {
		this.contextRunner.run((context) -> {
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			context.getBean(TargetsMetrics.class).bindTo(registry);
			context.getBean(TargetMonitor.class).evaluate();
			assertThat(registry.get("traffic.guard.target.warn").tag("target", "p99-latency").gauge().value())
				.isEqualTo(0.2);
			assertThat(registry.get("traffic.guard.target.goal").tag("target", "live-threads").gauge().value())
				.isEqualTo(10_000);
			assertThat(registry.get("traffic.guard.target.state").tag("target", "p99-latency").gauge().value())
				.isEqualTo(-1);
			assertThat(registry.get("traffic.guard.target.observed").tag("target", "live-threads").gauge().value())
				.isPositive();
		});
	}

	@Test
	void backsOffWhenTargetsAreDisabled() {
		this.contextRunner.withPropertyValues("traffic-guard.targets.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(TargetMonitor.class)
				.doesNotHaveBean(RequestTimingFilter.class)
				.doesNotHaveBean("trafficGuardTargetsHealthIndicator"));
	}

	@Test
	void backsOffWhenTrafficGuardIsDisabled() {
		this.contextRunner.withPropertyValues("traffic-guard.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(TargetMonitor.class)
				.doesNotHaveBean(RequestTimings.class));
	}

	@Test
	void theUsersBeansWin() {
		this.contextRunner.withUserConfiguration(UserBeans.class).run((context) -> {
			assertThat(context).hasSingleBean(RequestTimings.class);
			assertThat(context.getBean(RequestTimings.class)).isSameAs(context.getBean("userTimings"));
			assertThat(context).hasSingleBean(RequestTimingFilter.class);
			assertThat(context.getBean(RequestTimingFilter.class)).isSameAs(context.getBean("userFilter"));
		});
	}

	@Test
	void withoutAWebServerOnlyTheFilterIsLeftOut() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(TrafficGuardAutoConfiguration.class, TargetsAutoConfiguration.class))
			.run((context) -> assertThat(context).hasSingleBean(TargetMonitor.class)
				.doesNotHaveBean(RequestTimingFilter.class));
	}

	@Test
	void aWarnLevelUnderTheGoalFailsStartupNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("traffic-guard.targets.p99-latency.goal=300ms",
					"traffic-guard.targets.p99-latency.warn=200ms")
			.run((context) -> assertThat(failureDescription(context.getStartupFailure())).isEqualTo(
					"Invalid Traffic Guard configuration: traffic-guard.targets.p99-latency.warn=200ms: must be between 300ms and 1h"));
	}

	@Test
	void aWindowOutOfRangeFailsStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("traffic-guard.targets.window=500ms")
			.run((context) -> assertThat(failureDescription(context.getStartupFailure())).isEqualTo(
					"Invalid Traffic Guard configuration: traffic-guard.targets.window=500ms: must be between 1s and 1h"));
		this.contextRunner.withPropertyValues("traffic-guard.targets.max-uris=0")
			.run((context) -> assertThat(failureDescription(context.getStartupFailure())).isEqualTo(
					"Invalid Traffic Guard configuration: traffic-guard.targets.max-uris=0: must be between 1 and 1000"));
		this.contextRunner.withPropertyValues("traffic-guard.targets.live-threads.warn=5")
			.run((context) -> assertThat(failureDescription(context.getStartupFailure())).isEqualTo(
					"Invalid Traffic Guard configuration: traffic-guard.targets.live-threads.warn=5: must be between 10000 and 10000000"));
	}

	@Test
	void registersDegradedInBootsStatusOrderAndHttpMapping() {
		this.contextRunner.withInitializer(new TrafficGuardDefaultsInitializer()).run((context) -> {
			Binder binder = Binder.get(context.getEnvironment());
			assertThat(binder.bind("management.endpoint.health.status.order", Bindable.listOf(String.class)).get())
				.containsExactly("DOWN", "OUT_OF_SERVICE", HealthStatuses.DEGRADED, "UP", "UNKNOWN");
			// Boot maps DOWN and OUT_OF_SERVICE to 503 only while no mapping is set at all
			assertThat(binder
				.bind("management.endpoint.health.status.http-mapping", Bindable.mapOf(String.class, Integer.class))
				.get()).containsOnly(entry("down", 503), entry("out-of-service", 503), entry("degraded", 200));
		});
	}

	@Test
	void theUsersStatusOrderAndMappingsWin() {
		this.contextRunner
			.withPropertyValues("management.endpoint.health.status.order=DOWN,UP",
					"management.endpoint.health.status.http-mapping.down=500")
			.withInitializer(new TrafficGuardDefaultsInitializer())
			.run((context) -> {
				Binder binder = Binder.get(context.getEnvironment());
				assertThat(binder.bind("management.endpoint.health.status.order", Bindable.listOf(String.class))
					.get()).containsExactly("DOWN", "UP");
				assertThat(binder
					.bind("management.endpoint.health.status.http-mapping", Bindable.mapOf(String.class, Integer.class))
					.get()).containsOnly(entry("down", 500), entry("out-of-service", 503), entry("degraded", 200));
			});
	}

	@Test
	void theRateLimitersDegradedIsRegisteredWithTargetsOff() {
		this.contextRunner.withPropertyValues("traffic-guard.targets.enabled=false")
			.withInitializer(new TrafficGuardDefaultsInitializer())
			.run((context) -> assertThat(
					context.getEnvironment().getProperty("management.endpoint.health.status.order"))
				.isEqualTo(HealthStatuses.ORDER));
		this.contextRunner.withPropertyValues("traffic-guard.enabled=false")
			.withInitializer(new TrafficGuardDefaultsInitializer())
			.run((context) -> assertThat(
					context.getEnvironment().getProperty("management.endpoint.health.status.order"))
				.isNull());
	}

	private static String failureDescription(Throwable failure) {
		FailureAnalysis analysis = new InvalidPropertyFailureAnalyzer().analyze(failure);
		assertThat(analysis).isNotNull();
		return analysis.getDescription();
	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeans {

		@Bean
		RequestTimings userTimings() {
			return new RequestTimings(Duration.ofMinutes(1), 10);
		}

		@Bean
		RequestTimingFilter userFilter(RequestTimings timings) {
			return new RequestTimingFilter(timings, null);
		}

	}

}
