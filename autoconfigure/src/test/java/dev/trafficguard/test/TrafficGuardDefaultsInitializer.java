package dev.trafficguard.test;

import dev.trafficguard.properties.PropertyDefaultsEnvironmentPostProcessor;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Applies Traffic Guard's defaults for Boot-owned properties to a context that
 * {@code ApplicationContextRunner} builds, as {@link SpringApplication} does through the
 * environment post-processor. Add it with {@code withInitializer} after the test's own
 * property values, so those count as the user's.
 */
public class TrafficGuardDefaultsInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		new PropertyDefaultsEnvironmentPostProcessor().postProcessEnvironment(context.getEnvironment(),
				new SpringApplication());
	}

}
