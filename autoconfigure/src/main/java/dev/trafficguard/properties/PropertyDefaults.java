package dev.trafficguard.properties;

import java.util.Map;

import org.springframework.core.env.Environment;

/**
 * Contributes Traffic Guard's defaults for properties that Spring Boot or a library already
 * owns, such as {@code spring.datasource.hikari.*} or {@code resilience4j.*}. The defaults
 * are added to the environment with the lowest precedence, so any value the user sets
 * (application properties or YAML, a profile, the environment, the command line, the
 * application's default properties) wins.
 * <p>
 * Implementations are registered in {@code META-INF/spring.factories} under this
 * interface's name and are asked only when their feature is enabled.
 *
 * @see PropertyDefaultsEnvironmentPostProcessor
 */
public interface PropertyDefaults {

	/**
	 * The feature these defaults belong to, such as {@code datasource}. Its defaults are
	 * contributed only when neither {@code traffic-guard.enabled} nor
	 * {@code traffic-guard.<feature>.enabled} is {@code false}.
	 * @return the feature name, as used in property names
	 */
	String feature();

	/**
	 * Add this feature's defaults.
	 * @param environment the environment with every user property source loaded, to derive
	 * a default from another value (a user's value included)
	 * @param defaults the defaults to add to, keyed by canonical property name
	 */
	void contribute(Environment environment, Map<String, Object> defaults);

}
