package dev.trafficguard.properties;

import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;

/**
 * Tells, per property, whether its effective value is the owning library's default, Traffic
 * Guard's default or the user's. Relaxed names are honoured, so
 * {@code SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE} in the environment counts as the user
 * setting {@code spring.datasource.hikari.maximum-pool-size}.
 */
public final class SettingSources {

	private final Environment environment;

	/**
	 * Create an instance reading the given environment.
	 * @param environment the application's environment
	 */
	public SettingSources(Environment environment) {
		this.environment = environment;
	}

	/**
	 * Where the effective value of a property comes from.
	 * @param property the property name, in canonical form
	 * @return its source
	 */
	public SettingSource sourceOf(String property) {
		ConfigurationPropertyName name = ConfigurationPropertyName.of(property);
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(this.environment)) {
			ConfigurationProperty found = source.getConfigurationProperty(name);
			if (found != null) {
				return isTrafficGuardDefaults(source) ? SettingSource.TRAFFIC_GUARD : SettingSource.USER;
			}
		}
		return SettingSource.LIBRARY_DEFAULT;
	}

	/**
	 * The setting of a property: its effective value, as the caller reads it from the live
	 * component it configures, and where that value comes from.
	 * @param property the property name, in canonical form
	 * @param effectiveValue the value in force
	 * @return the setting
	 */
	public Setting describe(String property, @Nullable Object effectiveValue) {
		return Setting.of(effectiveValue, sourceOf(property));
	}

	/**
	 * Every default that Traffic Guard contributes for a property owned by Spring Boot or a
	 * library, with the value in force and where it comes from.
	 * @return the settings, keyed and sorted by property name
	 */
	public Map<String, Setting> contributedDefaults() {
		Map<String, Setting> settings = new TreeMap<>();
		if (this.environment instanceof ConfigurableEnvironment configurable) {
			PropertySource<?> defaults = configurable.getPropertySources()
				.get(PropertyDefaultsEnvironmentPostProcessor.PROPERTY_SOURCE_NAME);
			if (defaults instanceof EnumerablePropertySource<?> enumerable) {
				for (String property : enumerable.getPropertyNames()) {
					settings.put(property, describe(property, this.environment.getProperty(property)));
				}
			}
		}
		return settings;
	}

	private boolean isTrafficGuardDefaults(ConfigurationPropertySource source) {
		return source.getUnderlyingSource() instanceof PropertySource<?> propertySource
				&& PropertyDefaultsEnvironmentPostProcessor.PROPERTY_SOURCE_NAME.equals(propertySource.getName());
	}

}
