package dev.trafficguard.audit;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import dev.trafficguard.properties.TrafficGuardAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code traffic-guard.audit.fail-on} with a real {@link org.springframework.boot.SpringApplication}
 * start: the failure analyzer's report lists the findings.
 */
@ExtendWith(OutputCaptureExtension.class)
class AuditFailOnTests {

	@Test
	void failOnErrorStopsStartupWithTheReport(CapturedOutput output) {
		assertThatExceptionOfType(AuditFailedException.class)
			.isThrownBy(() -> start(UnboundedExecutorConfiguration.class, "traffic-guard.audit.fail-on=error"))
			.satisfies((ex) -> assertThat(ex.getFindings()).extracting(Finding::id)
				.containsExactly("executor.unbounded-threads"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Traffic Guard's startup audit made 1 finding that traffic-guard.audit.fail-on=error "
					+ "does not accept: executor.unbounded-threads:")
			.contains("  [error] executor.unbounded-threads bean 'cached': a ThreadPoolExecutor with maximumPoolSize")
			.contains("Fix: bound its threads")
			.contains("list the ids you know better about in traffic-guard.audit.ignore, or set "
					+ "traffic-guard.audit.fail-on=never to start anyway.");
	}

	@Test
	void failOnErrorAcceptsWarnings() {
		try (ConfigurableApplicationContext context = start(NoTransactionTimeoutConfiguration.class,
				"traffic-guard.audit.fail-on=error")) {
			assertThat(context.getBean(StartupAudit.class).getFindings()).extracting(Finding::id)
				.containsExactly("transaction.no-default-timeout");
		}
	}

	@Test
	void failOnWarningStopsStartupForAWarning(CapturedOutput output) {
		assertThatExceptionOfType(AuditFailedException.class)
			.isThrownBy(() -> start(NoTransactionTimeoutConfiguration.class, "traffic-guard.audit.fail-on=warning"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("[warning] transaction.no-default-timeout bean 'transactionManager'");
	}

	@Test
	void ignoredFindingsDoNotStopStartup() {
		try (ConfigurableApplicationContext context = start(UnboundedExecutorConfiguration.class,
				"traffic-guard.audit.fail-on=warning", "traffic-guard.audit.ignore=executor.unbounded-threads")) {
			assertThat(context.getBean(StartupAudit.class).getFindings()).isEmpty();
		}
	}

	@Test
	void neverIsTheDefault() {
		try (ConfigurableApplicationContext context = start(UnboundedExecutorConfiguration.class)) {
			assertThat(context.getBean(StartupAudit.class).getFindings()).hasSize(1);
		}
	}

	private static ConfigurableApplicationContext start(Class<?> configuration, String... properties) {
		return new SpringApplicationBuilder(configuration).web(WebApplicationType.NONE)
			.properties(properties)
			.run();
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ TrafficGuardAutoConfiguration.class, AuditAutoConfiguration.class })
	static class UnboundedExecutorConfiguration {

		@Bean(destroyMethod = "shutdown")
		ExecutorService cached() {
			return Executors.newCachedThreadPool();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ TrafficGuardAutoConfiguration.class, AuditAutoConfiguration.class })
	static class NoTransactionTimeoutConfiguration {

		@Bean
		DataSourceTransactionManager transactionManager() {
			return new DataSourceTransactionManager(new SimpleDriverDataSource());
		}

	}

}
