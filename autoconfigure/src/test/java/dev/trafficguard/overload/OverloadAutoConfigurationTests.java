package dev.trafficguard.overload;

import java.util.Map;

import com.netflix.concurrency.limits.limit.FixedLimit;
import dev.trafficguard.properties.InvalidPropertyFailureAnalyzer;
import dev.trafficguard.properties.TrafficGuardAutoConfiguration;
import dev.trafficguard.test.TrafficGuardDefaultsInitializer;
import jakarta.servlet.DispatcherType;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link OverloadAutoConfiguration} and {@link OverloadPropertyDefaults}.
 */
class OverloadAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TrafficGuardAutoConfiguration.class, OverloadAutoConfiguration.class))
		.withInitializer(new TrafficGuardDefaultsInitializer());

	@Test
	void registersTheFilterAfterTheRateLimitWithAGradientLimitBoundByTomcatsThreads() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(OverloadFilter.class)
				.hasSingleBean(RequestLimiter.class)
				.hasSingleBean(QueueTimeConnectorCustomizer.class);
			FilterRegistrationBean<?> registration = context.getBean("trafficGuardOverloadFilterRegistration",
					FilterRegistrationBean.class);
			assertThat(registration.getOrder()).isEqualTo(OverloadFilter.ORDER).isGreaterThan(-90);
			assertThat(registration.determineDispatcherTypes()).containsExactly(DispatcherType.REQUEST);
			RequestLimiter limiter = context.getBean(RequestLimiter.class);
			assertThat(limiter.getLimit()).isEqualTo(200);
			assertThat(limiter.limit().toString()).startsWith("GradientLimit").endsWith("within [20, 200]");
			OverloadSettings settings = context.getBean(OverloadSettings.class);
			assertThat(settings.excludedPaths()).containsExactly("/actuator", "/actuator/**");
		});
	}

	@Test
	void theLimitFollowsTomcatsMaxThreadsUnlessSet() {
		this.contextRunner.withPropertyValues("server.tomcat.threads.max=64")
			.run((context) -> assertThat(context.getBean(RequestLimiter.class).getLimit()).isEqualTo(64));
		this.contextRunner
			.withPropertyValues("server.tomcat.threads.max=64", "traffic-guard.overload.max-limit=30",
					"traffic-guard.overload.initial-limit=25")
			.run((context) -> assertThat(context.getBean(RequestLimiter.class).getLimit()).isEqualTo(25));
	}

	@Test
	void everyAlgorithmIsSelectable() {
		for (String algorithm : new String[] { "gradient", "vegas", "aimd", "fixed" }) {
			this.contextRunner
				.withPropertyValues("traffic-guard.overload.algorithm=" + algorithm, "traffic-guard.overload.max-limit=50")
				.run((context) -> assertThat(context.getBean(RequestLimiter.class).getLimit()).isEqualTo(50));
		}
	}

	@Test
	void boundsKeepEveryAlgorithmWithinMinAndMax() {
		BoundedLimit limit = new BoundedLimit(FixedLimit.of(500), 10, 100);
		assertThat(limit.getLimit()).isEqualTo(100);
		assertThat(new BoundedLimit(FixedLimit.of(2), 10, 100).getLimit()).isEqualTo(10);
	}

	@Test
	void contributesBoundedTomcatDefaultsAndTheUserWins() {
		this.contextRunner.withPropertyValues("server.tomcat.accept-count=50").run((context) -> {
			assertThat(context.getEnvironment().getProperty("server.tomcat.threads.max-queue-capacity")).isEqualTo("1000");
			assertThat(context.getEnvironment().getProperty("server.tomcat.max-connections")).isEqualTo("8192");
			assertThat(context.getEnvironment().getProperty("server.tomcat.connection-timeout")).isEqualTo("10s");
			assertThat(context.getEnvironment().getProperty("server.tomcat.keep-alive-timeout")).isEqualTo("65s");
			assertThat(context.getEnvironment().getProperty("server.tomcat.accept-count")).isEqualTo("50");
		});
	}

	@Test
	void isRemovedWithItsDefaultsWhenDisabled() {
		this.contextRunner.withPropertyValues("traffic-guard.overload.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(OverloadFilter.class)
				.doesNotHaveBean("trafficGuardOverloadFilterRegistration")
				.doesNotHaveBean(QueueTimeConnectorCustomizer.class);
			assertThat(context.getEnvironment().getProperty("server.tomcat.threads.max-queue-capacity")).isNull();
		});
	}

	@Test
	void isRemovedWhenTrafficGuardIsDisabled() {
		this.contextRunner.withPropertyValues("traffic-guard.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(OverloadFilter.class);
			assertThat(context.getEnvironment().getProperty("server.tomcat.max-connections")).isNull();
		});
	}

	@Test
	void backsOffWithoutConcurrencyLimits() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("com.netflix.concurrency"))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(OverloadFilter.class));
	}

	@Test
	void measuresNoQueueTimeWithoutTomcat() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.apache.catalina"))
			.run((context) -> assertThat(context).hasSingleBean(OverloadFilter.class)
				.doesNotHaveBean(QueueTimeConnectorCustomizer.class));
	}

	@Test
	void backsOffFromTheUsersLimiter() {
		this.contextRunner.withUserConfiguration(UserLimiterConfiguration.class)
			.run((context) -> assertThat(context).getBean(RequestLimiter.class)
				.isSameAs(context.getBean("userLimiter")));
	}

	@Test
	void failsOnAMinLimitOfZero() {
		this.contextRunner.withPropertyValues("traffic-guard.overload.min-limit=0")
			.run(failsWith("traffic-guard.overload.min-limit=0: must be between 1 and 100000"));
	}

	@Test
	void failsOnAMaxLimitBelowTheMinLimit() {
		this.contextRunner.withPropertyValues("traffic-guard.overload.min-limit=50", "traffic-guard.overload.max-limit=10")
			.run(failsWith("traffic-guard.overload.max-limit=10: must be between 50 and 100000"));
	}

	@Test
	void failsOnAnInitialLimitOutsideTheBounds() {
		this.contextRunner.withPropertyValues("traffic-guard.overload.max-limit=100", "traffic-guard.overload.initial-limit=500")
			.run(failsWith("traffic-guard.overload.initial-limit=500: must be between 20 and 100"));
	}

	@Test
	void failsOnASmoothingOutOfRange() {
		this.contextRunner.withPropertyValues("traffic-guard.overload.smoothing=0")
			.run(failsWith("traffic-guard.overload.smoothing=0.0: must be greater than 0 and at most 1"));
	}

	@Test
	void failsOnAnUnboundedWait() {
		this.contextRunner.withPropertyValues("traffic-guard.overload.max-wait=1m")
			.run(failsWith("traffic-guard.overload.max-wait=1m: must be between 0ms and 10s"));
	}

	@Test
	void failsOnAQueueTimeTargetOverHalfTheMaximum() {
		this.contextRunner.withPropertyValues("traffic-guard.overload.max-queue-time=100ms",
				"traffic-guard.overload.queue-time-target=80ms")
			.run(failsWith("traffic-guard.overload.queue-time-target=80ms: must be at most half of max-queue-time (100ms)"));
	}

	@Test
	void failsOnGroupSharesOverOne() {
		this.contextRunner
			.withPropertyValues("traffic-guard.overload.groups.checkout.paths=/api/checkout/**",
					"traffic-guard.overload.groups.checkout.share=0.7",
					"traffic-guard.overload.groups.search.paths=/api/search/**",
					"traffic-guard.overload.groups.search.share=0.5")
			.run(failsWith("traffic-guard.overload.groups.search.share=0.5: must be such that the shares of all groups add up to at most 1"));
	}

	@Test
	void failsOnAGroupWithoutPathsOrABadPattern() {
		this.contextRunner.withPropertyValues("traffic-guard.overload.groups.checkout.share=0.7")
			.run(failsWith("traffic-guard.overload.groups.checkout.paths=[]: must be at least one path pattern"));
		this.contextRunner
			.withPropertyValues("traffic-guard.overload.groups.checkout.share=0.7",
					"traffic-guard.overload.groups.checkout.paths=api/**")
			.run(failsWith("traffic-guard.overload.groups.checkout.paths[0]=api/**: must be a Spring path pattern"));
	}

	@Test
	void failsOnAGroupNamedOther() {
		this.contextRunner
			.withPropertyValues("traffic-guard.overload.groups.other.share=0.2",
					"traffic-guard.overload.groups.other.paths=/x/**")
			.run(failsWith("traffic-guard.overload.groups.other=other: must be a group name other than 'other'"));
	}

	private static ContextConsumer<AssertableWebApplicationContext> failsWith(String message) {
		return (context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new InvalidPropertyFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains(message);
		};
	}

	@Configuration(proxyBeanMethods = false)
	static class UserLimiterConfiguration {

		@Bean
		RequestLimiter userLimiter() {
			return new RequestLimiter(FixedLimit.of(5), new PathGroups(Map.of()), java.time.Duration.ZERO);
		}

	}

}
