package dev.trafficguard.actuate;

import java.util.List;
import java.util.Map;

import dev.trafficguard.properties.TrafficGuardAutoConfiguration;
import dev.trafficguard.test.TrafficGuardDefaultsInitializer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TrafficGuardEndpointAutoConfiguration}.
 */
class TrafficGuardEndpointAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TrafficGuardAutoConfiguration.class,
				TrafficGuardEndpointAutoConfiguration.class, EndpointAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=trafficguard")
		.withInitializer(new TrafficGuardDefaultsInitializer());

	@Test
	void endpointShowsEveryContributorsSectionInOrder() {
		this.contextRunner.withUserConfiguration(ContributorConfiguration.class).run((context) -> {
			TrafficGuardEndpoint.TrafficGuardReport report = context.getBean(TrafficGuardEndpoint.class).report();
			assertThat(report.enabled()).isTrue();
			assertThat(report.features()).containsKeys("defaults", "test");
			assertThat(report.features().get("test")).isEqualTo(Map.of("state", "live"));
		});
	}

	@Test
	void defaultsSectionListsContributedBootPropertiesWithTheirSource() {
		this.contextRunner.run((context) -> {
			Object defaults = context.getBean(TrafficGuardEndpoint.class).section("defaults");
			assertThat(defaults).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
				.containsEntry("spring.mvc.problemdetails.enabled",
						new dev.trafficguard.properties.Setting("true", "traffic-guard"));
		});
	}

	@Test
	void unknownSectionIsNull() {
		this.contextRunner.run((context) -> assertThat(context.getBean(TrafficGuardEndpoint.class).section("nope"))
			.isNull());
	}

	@Test
	void reportsTheMasterSwitch() {
		this.contextRunner.withPropertyValues("traffic-guard.enabled=false")
			.run((context) -> assertThat(context.getBean(TrafficGuardEndpoint.class).report().enabled()).isFalse());
	}

	@Test
	void backsOffWhenTheUserDefinesTheEndpoint() {
		this.contextRunner.withUserConfiguration(UserEndpointConfiguration.class)
			.run((context) -> assertThat(context).getBean(TrafficGuardEndpoint.class)
				.isSameAs(context.getBean("userEndpoint")));
	}

	@Test
	void backsOffWhenTheEndpointIsNotAccessible() {
		this.contextRunner.withPropertyValues("management.endpoint.trafficguard.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(TrafficGuardEndpoint.class));
	}

	@Test
	void backsOffWhenTheEndpointIsNotExposed() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=health")
			.run((context) -> assertThat(context).doesNotHaveBean(TrafficGuardEndpoint.class));
	}

	@Test
	void backsOffWithoutActuator() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(TrafficGuardAutoConfiguration.class,
					TrafficGuardEndpointAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(TrafficGuardEndpoint.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class ContributorConfiguration {

		@Bean
		TrafficGuardContributor testContributor() {
			return new TrafficGuardContributor() {

				@Override
				public String name() {
					return "test";
				}

				@Override
				public Object describe() {
					return Map.of("state", "live");
				}

			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserEndpointConfiguration {

		@Bean
		TrafficGuardEndpoint userEndpoint() {
			return new TrafficGuardEndpoint(true, List.of());
		}

	}

}
