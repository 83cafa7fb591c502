package dev.trafficguard.properties;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PropertyDefaultsEnvironmentPostProcessor}: Traffic Guard's defaults apply
 * when nobody set a value, and every way a user can set one wins. Each test starts a real
 * {@link SpringApplication}, so Spring Boot's own ordering of property sources is exercised.
 */
class PropertyDefaultsEnvironmentPostProcessorTests {

	private static final String PROBLEM_DETAILS = "spring.mvc.problemdetails.enabled";

	@Test
	void contributesTheDefaultWhenNobodySetsTheProperty() {
		try (ConfigurableApplicationContext context = run()) {
			assertThat(context.getEnvironment().getProperty(PROBLEM_DETAILS)).isEqualTo("true");
			assertThat(sources(context).sourceOf(PROBLEM_DETAILS)).isEqualTo(SettingSource.TRAFFIC_GUARD);
		}
	}

	@Test
	void commandLineArgumentWins() {
		try (ConfigurableApplicationContext context = run("--" + PROBLEM_DETAILS + "=false")) {
			assertUserValueWins(context);
		}
	}

	@Test
	void applicationYamlWins() {
		try (ConfigurableApplicationContext context = run("--spring.config.location=classpath:precedence/",
				"--spring.profiles.active=strict")) {
			assertUserValueWins(context);
		}
	}

	@Test
	void profileSpecificYamlWinsOverTheDefault() {
		try (ConfigurableApplicationContext context = run("--spring.config.location=classpath:precedence/")) {
			assertThat(context.getEnvironment().getProperty("traffic-guard.precedence-test"))
				.isEqualTo("from-application-yml");
			assertThat(context.getEnvironment().getProperty(PROBLEM_DETAILS)).isEqualTo("true");
		}
		try (ConfigurableApplicationContext context = run("--spring.config.location=classpath:precedence/",
				"--spring.profiles.active=strict")) {
			assertThat(context.getEnvironment().getProperty(PROBLEM_DETAILS)).isEqualTo("false");
		}
	}

	@Test
	void environmentVariableUnderItsRelaxedNameWins() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
							Map.of("SPRING_MVC_PROBLEMDETAILS_ENABLED", "false")));
		SpringApplication application = application();
		application.setEnvironment(environment);
		try (ConfigurableApplicationContext context = application.run()) {
			assertUserValueWins(context);
		}
	}

	@Test
	void systemPropertyWins() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.replace(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME,
					new org.springframework.core.env.MapPropertySource(
							StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME, Map.of(PROBLEM_DETAILS, "false")));
		SpringApplication application = application();
		application.setEnvironment(environment);
		try (ConfigurableApplicationContext context = application.run()) {
			assertUserValueWins(context);
		}
	}

	@Test
	void applicationDefaultPropertiesWin() {
		SpringApplication application = application();
		application.setDefaultProperties(Map.of(PROBLEM_DETAILS, "false"));
		try (ConfigurableApplicationContext context = application.run()) {
			assertUserValueWins(context);
		}
	}

	@Test
	void masterSwitchOffContributesNothing() {
		try (ConfigurableApplicationContext context = run("--traffic-guard.enabled=false")) {
			assertThat(context.getEnvironment().getProperty(PROBLEM_DETAILS)).isNull();
			assertThat(context.getEnvironment().getPropertySources()
				.contains(PropertyDefaultsEnvironmentPostProcessor.PROPERTY_SOURCE_NAME)).isFalse();
		}
	}

	@Test
	void featureSwitchOffContributesNothingForThatFeature() {
		try (ConfigurableApplicationContext context = run("--traffic-guard.web.problem-details.enabled=false")) {
			assertThat(context.getEnvironment().getProperty(PROBLEM_DETAILS)).isNull();
			assertThat(sources(context).sourceOf(PROBLEM_DETAILS)).isEqualTo(SettingSource.LIBRARY_DEFAULT);
		}
	}

	@Test
	void aDefaultCanFollowTheUsersValueOfAnotherProperty() {
		PropertyDefaults half = new PropertyDefaults() {

			@Override
			public String feature() {
				return "test";
			}

			@Override
			public void contribute(Environment environment, Map<String, Object> defaults) {
				int maximum = environment.getProperty("test.maximum", Integer.class, 10);
				defaults.put("test.minimum", (maximum + 1) / 2);
			}

		};
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.addFirst(new org.springframework.core.env.MapPropertySource("user", Map.of("test.maximum", "40")));
		new PropertyDefaultsEnvironmentPostProcessor(List.of(half)).postProcessEnvironment(environment,
				new SpringApplication());
		assertThat(environment.getProperty("test.minimum")).isEqualTo("20");
		assertThat(environment.getPropertySources().stream().toList().get(environment.getPropertySources().size() - 1)
			.getName()).isEqualTo(PropertyDefaultsEnvironmentPostProcessor.PROPERTY_SOURCE_NAME);
	}

	private void assertUserValueWins(ConfigurableApplicationContext context) {
		assertThat(context.getEnvironment().getProperty(PROBLEM_DETAILS)).isEqualTo("false");
		assertThat(sources(context).sourceOf(PROBLEM_DETAILS)).isEqualTo(SettingSource.USER);
	}

	private SettingSources sources(ConfigurableApplicationContext context) {
		ConfigurableEnvironment environment = context.getEnvironment();
		return new SettingSources(environment);
	}

	private ConfigurableApplicationContext run(String... args) {
		return application().run(args);
	}

	private SpringApplication application() {
		SpringApplication application = new SpringApplication(EmptyConfiguration.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setLogStartupInfo(false);
		return application;
	}

	@Configuration(proxyBeanMethods = false)
	static class EmptyConfiguration {

	}

}
