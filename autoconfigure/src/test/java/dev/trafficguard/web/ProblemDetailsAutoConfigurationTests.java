package dev.trafficguard.web;

import java.util.List;

import dev.trafficguard.properties.TrafficGuardAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ProblemDetailsAutoConfiguration}.
 */
class ProblemDetailsAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(TrafficGuardAutoConfiguration.class, ProblemDetailsAutoConfiguration.class));

	@Test
	void registersTheResolver() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(ProblemExceptionResolver.class));
	}

	@Test
	void switchTurnsItOff() {
		this.contextRunner.withPropertyValues("traffic-guard.web.problem-details.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ProblemExceptionResolver.class));
	}

	@Test
	void masterSwitchTurnsItOff() {
		this.contextRunner.withPropertyValues("traffic-guard.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ProblemExceptionResolver.class));
	}

	@Test
	void backsOffToTheUsersResolver() {
		this.contextRunner.withUserConfiguration(UserResolverConfiguration.class)
			.run((context) -> assertThat(context).getBean(ProblemExceptionResolver.class)
				.isSameAs(context.getBean("userResolver")));
	}

	@Test
	void notInANonWebApplication() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(TrafficGuardAutoConfiguration.class,
					ProblemDetailsAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(ProblemExceptionResolver.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserResolverConfiguration {

		@Bean
		ProblemExceptionResolver userResolver() {
			return new ProblemExceptionResolver(List.of());
		}

	}

}
