package dev.trafficguard.properties;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.support.SpringFactoriesLoader;

/**
 * {@link EnvironmentPostProcessor} that adds every enabled feature's {@link PropertyDefaults}
 * as the property source with the lowest precedence, named {@value #PROPERTY_SOURCE_NAME}.
 * <p>
 * It runs after the application's configuration data has been loaded, so a contributor can
 * derive a default from a user's value. Spring Boot moves the application's own
 * {@code defaultProperties} behind every other source; a key the application already sets
 * there is left out, so that those values win as well.
 */
public class PropertyDefaultsEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	/**
	 * Name of the property source that holds Traffic Guard's defaults.
	 */
	public static final String PROPERTY_SOURCE_NAME = "trafficGuardDefaults";

	private static final String DEFAULT_PROPERTIES = "defaultProperties";

	/**
	 * Runs after every other post-processor of Spring Boot, configuration data included.
	 */
	public static final int ORDER = Ordered.LOWEST_PRECEDENCE - 10;

	private final List<PropertyDefaults> contributors;

	/**
	 * Create a post-processor with the contributors registered in
	 * {@code META-INF/spring.factories}.
	 */
	public PropertyDefaultsEnvironmentPostProcessor() {
		this(SpringFactoriesLoader.loadFactories(PropertyDefaults.class,
				PropertyDefaultsEnvironmentPostProcessor.class.getClassLoader()));
	}

	PropertyDefaultsEnvironmentPostProcessor(List<PropertyDefaults> contributors) {
		this.contributors = List.copyOf(contributors);
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Map<String, Object> defaults = new LinkedHashMap<>();
		for (PropertyDefaults contributor : this.contributors) {
			if (TrafficGuardFeatures.isEnabled(environment, contributor.feature())) {
				contributor.contribute(environment, defaults);
			}
		}
		removeApplicationDefaults(environment, defaults);
		environment.getPropertySources().remove(PROPERTY_SOURCE_NAME);
		if (!defaults.isEmpty()) {
			environment.getPropertySources()
				.addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, Collections.unmodifiableMap(defaults)));
		}
	}

	private void removeApplicationDefaults(ConfigurableEnvironment environment, Map<String, Object> defaults) {
		PropertySource<?> applicationDefaults = environment.getPropertySources().get(DEFAULT_PROPERTIES);
		if (applicationDefaults == null) {
			return;
		}
		ConfigurationPropertySource source = ConfigurationPropertySource.from(applicationDefaults);
		if (source != null) {
			defaults.keySet()
				.removeIf((name) -> source.getConfigurationProperty(ConfigurationPropertyName.of(name)) != null);
		}
	}

}
