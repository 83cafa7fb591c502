package dev.trafficguard.properties;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SettingSources}.
 */
class SettingSourcesTests {

	private final StandardEnvironment environment = new StandardEnvironment();

	private final SettingSources sources = new SettingSources(this.environment);

	SettingSourcesTests() {
		ConfigurationPropertySources.attach(this.environment);
	}

	@Test
	void propertyNobodySetComesFromTheLibraryDefault() {
		assertThat(this.sources.sourceOf("spring.datasource.hikari.maximum-pool-size"))
			.isEqualTo(SettingSource.LIBRARY_DEFAULT);
		assertThat(this.sources.describe("spring.datasource.hikari.maximum-pool-size", 10))
			.isEqualTo(new Setting(10, "default"));
	}

	@Test
	void propertyInTrafficGuardDefaultsComesFromTrafficGuard() {
		this.environment.getPropertySources()
			.addLast(new MapPropertySource(PropertyDefaultsEnvironmentPostProcessor.PROPERTY_SOURCE_NAME,
					Map.of("spring.datasource.hikari.maximum-pool-size", 16)));
		assertThat(this.sources.sourceOf("spring.datasource.hikari.maximum-pool-size"))
			.isEqualTo(SettingSource.TRAFFIC_GUARD);
		assertThat(this.sources.contributedDefaults()).containsEntry("spring.datasource.hikari.maximum-pool-size",
				new Setting("16", "traffic-guard"));
	}

	@Test
	void userValueUnderARelaxedNameComesFromTheUser() {
		this.environment.getPropertySources()
			.addLast(new MapPropertySource(PropertyDefaultsEnvironmentPostProcessor.PROPERTY_SOURCE_NAME,
					Map.of("spring.datasource.hikari.maximum-pool-size", 16)));
		this.environment.getPropertySources()
			.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
							Map.of("SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE", "4")));
		assertThat(this.sources.sourceOf("spring.datasource.hikari.maximum-pool-size")).isEqualTo(SettingSource.USER);
		assertThat(this.sources.contributedDefaults()).containsEntry("spring.datasource.hikari.maximum-pool-size",
				new Setting("4", "user"));
	}

	@Test
	void camelCaseUserValueComesFromTheUser() {
		this.environment.getPropertySources()
			.addFirst(new MapPropertySource("user", Map.of("spring.datasource.hikari.maximumPoolSize", "4")));
		assertThat(this.sources.sourceOf("spring.datasource.hikari.maximum-pool-size")).isEqualTo(SettingSource.USER);
	}

}
