package dev.trafficguard.properties;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every library is optional: an application that leaves one out loses only the feature
 * built on it, and still starts. Runs the full auto-configuration, Spring Boot's and Traffic
 * Guard's, as an application would, with one library hidden at a time (and the library's own
 * auto-configurations excluded, as they would be without its jar).
 */
class OptionalDependenciesTests {

	@ParameterizedTest(name = "without {0}")
	@ValueSource(strings = { "io.github.bucket4j", "io.github.resilience4j", "org.apache.hc.client5",
			"com.github.benmanes.caffeine", "com.zaxxer.hikari", "org.springframework.boot.actuate",
			"io.micrometer.prometheusmetrics", "io.lettuce", "org.springframework.data.redis",
			"com.netflix.concurrency" })
	void applicationStartsWithoutTheLibrary(String library) {
		new WebApplicationContextRunner().withUserConfiguration(Application.class)
			.withClassLoader(new FilteredClassLoader(library))
			.withPropertyValues("spring.autoconfigure.exclude=" + autoConfigurationsOf(library),
					"spring.datasource.generate-unique-name=true", "management.endpoints.web.exposure.include=*")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	private String autoConfigurationsOf(String library) {
		return String.join(",", ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader())
			.getCandidates()
			.stream()
			.filter((name) -> name.startsWith(library))
			.toList());
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

	}

}
