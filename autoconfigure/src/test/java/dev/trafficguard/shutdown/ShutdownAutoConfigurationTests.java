package dev.trafficguard.shutdown;

import java.time.Duration;
import java.util.Map;

import dev.trafficguard.actuate.TrafficGuardContributor;
import dev.trafficguard.lifecycle.ShutdownPhases;
import dev.trafficguard.lifecycle.ShutdownTimeline;
import dev.trafficguard.properties.InvalidPropertyFailureAnalyzer;
import dev.trafficguard.properties.Setting;
import dev.trafficguard.properties.TrafficGuardAutoConfiguration;
import dev.trafficguard.test.TrafficGuardDefaultsInitializer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ShutdownAutoConfiguration} and {@link ShutdownPropertyDefaults}.
 */
class ShutdownAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(TrafficGuardAutoConfiguration.class, ShutdownAutoConfiguration.class));

	@Test
	void providesTheShutdownSequence() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(PreStopDelay.class)
				.hasSingleBean(RequestDrain.class)
				.hasSingleBean(InFlightRequestFilter.class)
				.hasBean("trafficGuardInFlightRequestFilterRegistration")
				.hasBean("trafficGuardShutdownContributor")
				.hasSingleBean(RequestDrainMetrics.class);
			assertThat(context.getBean(PreStopDelay.class).getPhase()).isEqualTo(ShutdownPhases.PRE_STOP_DELAY);
			assertThat(context.getBean(RequestDrain.class).getPhase()).isEqualTo(ShutdownPhases.REQUESTS_DRAINED);
		});
	}

	@Test
	void phasesSurroundSpringBootsGracefulShutdown() {
		assertThat(ShutdownPhases.PRE_STOP_DELAY)
			.isGreaterThan(WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE);
		assertThat(ShutdownPhases.REQUESTS_DRAINED)
			.isLessThan(WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE)
			// Spring Boot's servlet WebServerStartStopLifecycle, package-private
			.isGreaterThan(Integer.MAX_VALUE - 2048);
		assertThat(ShutdownPhases.EXECUTORS).isLessThan(Integer.MAX_VALUE - 2048);
	}

	@Test
	void countsEveryRequestFirstAndOnlyOnce() {
		this.contextRunner.run((context) -> {
			FilterRegistrationBean<?> registration = context.getBean("trafficGuardInFlightRequestFilterRegistration",
					FilterRegistrationBean.class);
			assertThat(registration.getFilter()).isSameAs(context.getBean(InFlightRequestFilter.class));
			assertThat(registration.getOrder()).isEqualTo(Integer.MIN_VALUE);
			assertThat(registration.determineDispatcherTypes()).containsExactly(jakarta.servlet.DispatcherType.REQUEST);
		});
	}

	@Test
	void backsOffWhenShutdownIsDisabled() {
		this.contextRunner.withPropertyValues("traffic-guard.shutdown.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(PreStopDelay.class)
				.doesNotHaveBean(RequestDrain.class)
				.doesNotHaveBean(InFlightRequestFilter.class)
				.doesNotHaveBean("trafficGuardShutdownContributor"));
	}

	@Test
	void backsOffWhenTrafficGuardIsDisabled() {
		this.contextRunner.withPropertyValues("traffic-guard.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(PreStopDelay.class));
	}

	@Test
	void backsOffOutsideAServletWebApplication() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(TrafficGuardAutoConfiguration.class, ShutdownAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(PreStopDelay.class));
	}

	@Test
	void usesTheUsersBeans() {
		this.contextRunner.withUserConfiguration(UserBeans.class).run((context) -> {
			assertThat(context.getBean(PreStopDelay.class)).isSameAs(context.getBean("userPreStopDelay"));
			assertThat(context.getBean(InFlightRequestFilter.class)).isSameAs(context.getBean("userFilter"));
		});
	}

	@Test
	void preStopDelayIsZeroOutsideKubernetes() {
		this.contextRunner.run((context) -> assertThat(
				context.getBean(ShutdownProperties.class).determinePreStopDelay(context.getEnvironment()))
			.isZero());
	}

	@Test
	void preStopDelayIsAFewSecondsOnKubernetes() {
		this.contextRunner.withPropertyValues("spring.main.cloud-platform=kubernetes")
			.run((context) -> assertThat(
					context.getBean(ShutdownProperties.class).determinePreStopDelay(context.getEnvironment()))
				.isEqualTo(ShutdownProperties.KUBERNETES_PRE_STOP_DELAY)
				.isEqualTo(Duration.ofSeconds(5)));
	}

	@Test
	void usersPreStopDelayWinsOnKubernetes() {
		this.contextRunner
			.withPropertyValues("spring.main.cloud-platform=kubernetes", "traffic-guard.shutdown.pre-stop-delay=0s")
			.run((context) -> assertThat(
					context.getBean(ShutdownProperties.class).determinePreStopDelay(context.getEnvironment()))
				.isZero());
	}

	@Test
	void noPreStopDelayWithoutAWebServer() {
		// The runner's mock servlet environment runs no web server: nothing to wait for
		this.contextRunner
			.withPropertyValues("spring.main.cloud-platform=kubernetes", "traffic-guard.shutdown.pre-stop-delay=7s")
			.run((context) -> assertThat(context.getBean(PreStopDelay.class).getDelay()).isZero());
	}

	@Test
	void bindsProperties() {
		this.contextRunner
			.withPropertyValues("traffic-guard.shutdown.pre-stop-delay=7s", "traffic-guard.shutdown.timeout=12s")
			.run((context) -> {
				ShutdownProperties properties = context.getBean(ShutdownProperties.class);
				assertThat(properties.getPreStopDelay()).isEqualTo(Duration.ofSeconds(7));
				assertThat(properties.getTimeout()).isEqualTo(Duration.ofSeconds(12));
				assertThat(properties.determinePreStopDelay(context.getEnvironment()))
					.isEqualTo(Duration.ofSeconds(7));
			});
	}

	@Test
	void negativePreStopDelayFailsStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("traffic-guard.shutdown.pre-stop-delay=-1s")
			.run((context) -> assertThat(failureDescription(context.getStartupFailure())).isEqualTo(
					"Invalid Traffic Guard configuration: traffic-guard.shutdown.pre-stop-delay=-1s: must be between 0ms and 5m"));
	}

	@Test
	void tooLongTimeoutFailsStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("traffic-guard.shutdown.timeout=2h")
			.run((context) -> assertThat(failureDescription(context.getStartupFailure())).isEqualTo(
					"Invalid Traffic Guard configuration: traffic-guard.shutdown.timeout=2h: must be between 100ms and 1h"));
	}

	@Test
	void makesShutdownGracefulAndTakesOverTheTimeoutPerShutdownPhase() {
		this.contextRunner.withPropertyValues("traffic-guard.shutdown.timeout=12s")
			.withInitializer(new TrafficGuardDefaultsInitializer())
			.run((context) -> {
				assertThat(context.getEnvironment().getProperty("server.shutdown")).isEqualTo("graceful");
				assertThat(context.getEnvironment().getProperty("spring.lifecycle.timeout-per-shutdown-phase"))
					.isEqualTo("12s");
				Map<String, Setting> settings = settings(context.getBean("trafficGuardShutdownContributor",
						TrafficGuardContributor.class));
				assertThat(settings.get("server.shutdown")).isEqualTo(new Setting("graceful", "traffic-guard"));
				assertThat(settings.get("spring.lifecycle.timeout-per-shutdown-phase"))
					.isEqualTo(new Setting("12s", "traffic-guard"));
				assertThat(settings.get("traffic-guard.shutdown.timeout")).isEqualTo(new Setting("12s", "user"));
				assertThat(settings.get("traffic-guard.shutdown.pre-stop-delay")).isEqualTo(new Setting("0ms", "default"));
			});
	}

	@Test
	void timeoutPerShutdownPhaseDefaultsToThirtySeconds() {
		this.contextRunner.withInitializer(new TrafficGuardDefaultsInitializer())
			.run((context) -> assertThat(
					context.getEnvironment().getProperty("spring.lifecycle.timeout-per-shutdown-phase"))
				.isEqualTo("30s"));
	}

	@Test
	void usersServerShutdownAndTimeoutPerShutdownPhaseWin() {
		this.contextRunner
			.withPropertyValues("server.shutdown=immediate", "spring.lifecycle.timeout-per-shutdown-phase=5s",
					"traffic-guard.shutdown.timeout=12s")
			.withInitializer(new TrafficGuardDefaultsInitializer())
			.run((context) -> {
				assertThat(context.getEnvironment().getProperty("server.shutdown")).isEqualTo("immediate");
				assertThat(context.getEnvironment().getProperty("spring.lifecycle.timeout-per-shutdown-phase"))
					.isEqualTo("5s");
				Map<String, Setting> settings = settings(context.getBean("trafficGuardShutdownContributor",
						TrafficGuardContributor.class));
				assertThat(settings.get("server.shutdown")).isEqualTo(new Setting("immediate", "user"));
				assertThat(settings.get("spring.lifecycle.timeout-per-shutdown-phase"))
					.isEqualTo(new Setting("5s", "user"));
			});
	}

	@Test
	void contributesNoDefaultsWhenShutdownIsDisabled() {
		this.contextRunner.withPropertyValues("traffic-guard.shutdown.enabled=false")
			.withInitializer(new TrafficGuardDefaultsInitializer())
			.run((context) -> {
				assertThat(context.getEnvironment().getProperty("server.shutdown")).isNull();
				assertThat(context.getEnvironment().getProperty("spring.lifecycle.timeout-per-shutdown-phase"))
					.isNull();
			});
	}

	@Test
	void sectionShowsStateRequestsAndTimeline() {
		this.contextRunner.run((context) -> {
			TrafficGuardContributor contributor = context.getBean("trafficGuardShutdownContributor",
					TrafficGuardContributor.class);
			assertThat(contributor.name()).isEqualTo("shutdown");
			Map<String, Object> section = section(contributor);
			assertThat(section).containsEntry("state", "running").containsEntry("cloud-platform", "none");
			assertThat(section.get("requests")).isEqualTo(
					Map.of("in-flight", 0L, "completed", 0L, "drained", 0L, "cut-off", 0L));
			ShutdownTimeline timeline = context.getBean(ShutdownTimeline.class);
			timeline.started(PreStopDelay.PHASE);
			assertThat(section(contributor)).containsEntry("state", PreStopDelay.PHASE);
			timeline.ended(PreStopDelay.PHASE, Map.of("requests-served", 3L));
			timeline.started(RequestDrain.PHASE);
			section = section(contributor);
			assertThat(section).containsEntry("state", RequestDrain.PHASE);
			assertThat(section.get("timeline")).asList()
				.extracting((entry) -> ((Map<?, ?>) entry).get("phase") + " " + ((Map<?, ?>) entry).get("event"))
				.containsExactly("pre-stop-delay started", "pre-stop-delay ended", "requests started");
		});
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> section(TrafficGuardContributor contributor) {
		return (Map<String, Object>) contributor.describe();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Setting> settings(TrafficGuardContributor contributor) {
		return (Map<String, Setting>) section(contributor).get("settings");
	}

	private static String failureDescription(Throwable failure) {
		FailureAnalysis analysis = new InvalidPropertyFailureAnalyzer().analyze(failure);
		assertThat(analysis).isNotNull();
		return analysis.getDescription();
	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeans {

		@Bean
		InFlightRequestFilter userFilter() {
			return new InFlightRequestFilter();
		}

		@Bean
		PreStopDelay userPreStopDelay(InFlightRequestFilter requests, ShutdownTimeline timeline) {
			return new PreStopDelay(Duration.ofSeconds(1), requests,
					new RequestDrain(requests, timeline, Duration.ofSeconds(1), true), timeline);
		}

	}

}
