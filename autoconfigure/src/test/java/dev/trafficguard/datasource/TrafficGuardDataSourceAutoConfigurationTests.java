package dev.trafficguard.datasource;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Map;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.trafficguard.actuate.TrafficGuardContributor;
import dev.trafficguard.lifecycle.ShutdownPhases;
import dev.trafficguard.lifecycle.ShutdownTimeline;
import dev.trafficguard.lifecycle.ShutdownTimeline.Entry;
import dev.trafficguard.properties.InvalidPropertyFailureAnalyzer;
import dev.trafficguard.properties.Setting;
import dev.trafficguard.properties.TrafficGuardAutoConfiguration;
import dev.trafficguard.test.TrafficGuardDefaultsInitializer;
import dev.trafficguard.web.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TrafficGuardDataSourceAutoConfiguration} and
 * {@link DataSourcePropertyDefaults}, on an embedded H2 database.
 */
@ExtendWith(OutputCaptureExtension.class)
class TrafficGuardDataSourceAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TrafficGuardAutoConfiguration.class,
				DataSourceAutoConfiguration.class, TrafficGuardDataSourceAutoConfiguration.class))
		.withInitializer(new TrafficGuardDefaultsInitializer());

	@Test
	void appliesTrafficGuardDefaultsToBootsPool() {
		this.contextRunner.run((context) -> {
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			assertThat(pool.getMaximumPoolSize()).isEqualTo(9);
			assertThat(pool.getMinimumIdle()).isEqualTo(3);
			assertThat(pool.getConnectionTimeout()).isEqualTo(2_000);
			assertThat(pool.getValidationTimeout()).isEqualTo(1_000);
			assertThat(pool.getIdleTimeout()).isEqualTo(60_000);
			assertThat(pool.getMaxLifetime()).isEqualTo(300_000);
			assertThat(pool.getKeepaliveTime()).isEqualTo(60_000);
			assertThat(pool.getLeakDetectionThreshold()).isEqualTo(20_000);
			assertThat(settings(context, "dataSource").values()).extracting(Setting::source)
				.containsOnly("traffic-guard");
		});
	}

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource({ "maximum-pool-size, 17", "minimum-idle, 7", "connection-timeout, 4000", "validation-timeout, 1500",
			"idle-timeout, 120000", "max-lifetime, 600000", "keepalive-time, 90000",
			"leak-detection-threshold, 45000" })
	void userValueWinsOverTrafficGuardDefault(String property, long value) {
		HikariSetting setting = setting(property);
		this.contextRunner.withPropertyValues("spring.datasource.hikari." + property + "=" + value).run((context) -> {
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			assertThat(setting.get(pool)).isEqualTo(value);
			Map<String, Setting> settings = settings(context, "dataSource");
			assertThat(settings.get(property)).isEqualTo(new Setting(value, "user"));
			for (HikariSetting other : HikariSetting.values()) {
				if (other != setting && other != HikariSetting.MINIMUM_IDLE) {
					assertThat(settings.get(other.property()).source()).isEqualTo("traffic-guard");
				}
			}
		});
	}

	@Test
	void userValueEqualToHikarisDefaultStillWins() {
		this.contextRunner.withPropertyValues("spring.datasource.hikari.connection-timeout=30000")
			.run((context) -> assertThat(context.getBean(HikariDataSource.class).getConnectionTimeout())
				.isEqualTo(30_000));
	}

	@Test
	void relaxedUserNameWins() {
		this.contextRunner.withPropertyValues("spring.datasource.hikari.maxLifetime=240000").run((context) -> {
			assertThat(context.getBean(HikariDataSource.class).getMaxLifetime()).isEqualTo(240_000);
			assertThat(settings(context, "dataSource").get("max-lifetime").source()).isEqualTo("user");
		});
	}

	@Test
	void minimumIdleFollowsUserMaximumPoolSize() {
		this.contextRunner.withPropertyValues("spring.datasource.hikari.maximum-pool-size=20").run((context) -> {
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			assertThat(pool.getMaximumPoolSize()).isEqualTo(20);
			assertThat(pool.getMinimumIdle()).isEqualTo(5);
			assertThat(settings(context, "dataSource").get("minimum-idle")).isEqualTo(new Setting(5L, "traffic-guard"));
		});
	}

	@Test
	void fixedSizePoolGetsNoIdleTimeout(CapturedOutput output) {
		this.contextRunner.withPropertyValues("spring.datasource.hikari.maximum-pool-size=1").run((context) -> {
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			assertThat(pool.getMinimumIdle()).isEqualTo(1);
			assertThat(pool.getIdleTimeout()).isEqualTo(HikariSetting.IDLE_TIMEOUT.hikariDefault());
			assertThat(settings(context, "dataSource").get("idle-timeout").source()).isEqualTo("default");
			pool.getConnection().close();
		});
		this.contextRunner.withUserConfiguration(SecondPoolConfiguration.class)
			.withPropertyValues("app.second.jdbc-url=jdbc:h2:mem:tg-fixed", "app.second.maximum-pool-size=3",
					"app.second.minimum-idle=3")
			.run((context) -> {
				HikariDataSource second = context.getBean("secondDataSource", HikariDataSource.class);
				assertThat(second.getIdleTimeout()).isEqualTo(HikariSetting.IDLE_TIMEOUT.hikariDefault());
				second.getConnection().close();
			});
		assertThat(output).doesNotContain("idleTimeout has been set but has no effect");
	}

	@Test
	void poolSizeFollowsDatabaseCoresSharedByExpectedInstances() {
		this.contextRunner
			.withPropertyValues("traffic-guard.datasource.database-cores=8",
					"traffic-guard.datasource.expected-instances=3")
			.run((context) -> {
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				assertThat(pool.getMaximumPoolSize()).isEqualTo(6);
				assertThat(pool.getMinimumIdle()).isEqualTo(2);
			});
	}

	@Test
	void disabledLeavesBootsDefaultsUntouched() {
		this.contextRunner.withPropertyValues("traffic-guard.datasource.enabled=false")
			.run(this::assertBootsDefaults);
		this.contextRunner.withPropertyValues("traffic-guard.enabled=false").run(this::assertBootsDefaults);
	}

	private void assertBootsDefaults(AssertableApplicationContext context) {
		assertThat(context).doesNotHaveBean(HikariPoolTuner.class)
			.doesNotHaveBean(ConnectionLimitCheck.class)
			.doesNotHaveBean(DataSourceShutdown.class)
			.doesNotHaveBean("trafficGuardDataSourceContributor");
		HikariDataSource pool = context.getBean(HikariDataSource.class);
		for (HikariSetting setting : HikariSetting.values()) {
			assertThat(setting.get(pool)).as(setting.property()).isEqualTo(setting.hikariDefault());
		}
		assertThat(context.getEnvironment().getProperty("spring.datasource.hikari.maximum-pool-size")).isNull();
	}

	@Test
	void poolBuiltWithDataSourceBuilderGetsTheSameTuningAndKeepsItsOwnValues() {
		this.contextRunner.withUserConfiguration(SecondPoolConfiguration.class)
			.withPropertyValues("app.second.maximum-pool-size=4", "app.second.jdbc-url=jdbc:h2:mem:tg-second")
			.run((context) -> {
				HikariDataSource second = context.getBean("secondDataSource", HikariDataSource.class);
				assertThat(second.getMaximumPoolSize()).isEqualTo(4);
				assertThat(second.getMinimumIdle()).isEqualTo(1);
				assertThat(second.getConnectionTimeout()).isEqualTo(2_000);
				assertThat(second.getMaxLifetime()).isEqualTo(300_000);
				assertThat(second.getLeakDetectionThreshold()).isEqualTo(20_000);
				Map<String, Setting> settings = settings(context, "secondDataSource");
				assertThat(settings.get("maximum-pool-size")).isEqualTo(new Setting(4L, "user"));
				assertThat(settings.get("connection-timeout")).isEqualTo(new Setting(2_000L, "traffic-guard"));
				assertThat(pools(context).get("secondDataSource")).containsEntry("prefix", "app.second");
			});
	}

	@Test
	void poolConfiguredInCodeKeepsWhatTheCodeSet() {
		this.contextRunner.withUserConfiguration(CodePoolConfiguration.class).run((context) -> {
			HikariDataSource pool = context.getBean("codeDataSource", HikariDataSource.class);
			assertThat(pool.getConnectionTimeout()).isEqualTo(7_000);
			assertThat(pool.getMaximumPoolSize()).isEqualTo(9);
			assertThat(pool.getIdleTimeout()).isEqualTo(60_000);
			Map<String, Setting> settings = settings(context, "codeDataSource");
			assertThat(settings.get("connection-timeout")).isEqualTo(new Setting(7_000L, "user"));
			assertThat(settings.get("idle-timeout")).isEqualTo(new Setting(60_000L, "traffic-guard"));
		});
	}

	@Test
	void poolStartedBeforeItBecameABeanIsLeftAsItIs() {
		this.contextRunner.withUserConfiguration(StartedPoolConfiguration.class).run((context) -> {
			HikariDataSource pool = context.getBean("startedDataSource", HikariDataSource.class);
			assertThat(pool.getConnectionTimeout()).isEqualTo(HikariSetting.CONNECTION_TIMEOUT.hikariDefault());
			assertThat(pools(context).get("startedDataSource")).containsEntry("tuned", false);
			assertThat(settings(context, "startedDataSource").get("connection-timeout").source()).isEqualTo("default");
		});
	}

	@Test
	void backsOffToUsersTuner() {
		this.contextRunner.withUserConfiguration(UserTunerConfiguration.class)
			.run((context) -> assertThat(context).getBeans(HikariPoolTuner.class)
				.containsOnlyKeys("userTuner"));
	}

	@Test
	void answersSaturationOnlyInServletWebApplications() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(PoolSaturationProblemMapper.class));
		webContextRunner().run((context) -> assertThat(context).hasSingleBean(PoolSaturationProblemMapper.class)
			.hasBean("trafficGuardPoolSaturationMetrics"));
	}

	@Test
	void backsOffToUsersSaturationMapper() {
		webContextRunner()
			.withBean("userMapper", PoolSaturationProblemMapper.class,
					() -> new PoolSaturationProblemMapper(Duration.ofSeconds(9)))
			.run((context) -> assertThat(context).getBeans(PoolSaturationProblemMapper.class)
				.containsOnlyKeys("userMapper"));
	}

	@Test
	void saturationMapperKnowsOnlyTransientConnectionFailures() {
		PoolSaturationProblemMapper mapper = new PoolSaturationProblemMapper(Duration.ofSeconds(3));
		assertThat(mapper.map(new SQLException("syntax error"))).isNull();
		assertThat(mapper.map(new IllegalStateException())).isNull();
		assertThat(mapper.rejected()).isZero();
		Problem problem = mapper.map(new SQLTransientConnectionException("HikariPool-1 - Connection is not available"));
		assertThat(problem).isNotNull();
		assertThat(problem.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(problem.retryAfterSeconds()).isEqualTo(3);
		assertThat(problem.detail()).doesNotContain("HikariPool");
		assertThat(mapper.rejected()).isOne();
	}

	@Test
	void connectionLostMapperKnowsOnlyLostConnections() {
		ConnectionLostProblemMapper mapper = new ConnectionLostProblemMapper(Duration.ofSeconds(2));
		assertThat(mapper.map(new SQLException("duplicate key", "23505"))).isNull();
		assertThat(mapper.map(new SQLException("canceling statement due to statement timeout", "57014"))).isNull();
		assertThat(mapper.map(new SQLTransientConnectionException("HikariPool-1 - Connection is not available",
				"08001"))).isNull();
		assertThat(mapper.map(new IllegalStateException())).isNull();
		Problem problem = mapper.map(new SQLException("terminating connection due to administrator command", "57P01"));
		assertThat(problem).isNotNull();
		assertThat(problem.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(problem.retryAfterSeconds()).isEqualTo(2);
		assertThat(mapper.map(new SQLException("An I/O error occurred while sending to the backend", "08006")))
			.isNotNull();
		SQLException chained = new SQLException("batch failed");
		chained.setNextException(new SQLException("connection reset", "08S01"));
		assertThat(mapper.map(chained)).isNotNull();
		assertThat(mapper.answered(LostConnection.SERVER_CLOSED)).isOne();
		assertThat(mapper.answered(LostConnection.CONNECTION_FAILURE)).isEqualTo(2);
	}

	@Test
	void transactionManagerForWhichALostConnectionNeedsNoRollbackTakesBootsPlace() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(DataSourceTransactionManagerAutoConfiguration.class))
			.run((context) -> assertThat(context).hasSingleBean(TransactionManager.class)
				.getBean("transactionManager")
				.isInstanceOf(LostConnectionTransactionManager.class));
	}

	@Test
	void transactionManagerBacksOffToUsersAndToPlainDataSourceTransactionManager() {
		ApplicationContextRunner runner = this.contextRunner
			.withConfiguration(AutoConfigurations.of(DataSourceTransactionManagerAutoConfiguration.class));
		runner.withBean("userTransactionManager", PlatformTransactionManager.class,
				() -> new DataSourceTransactionManager(new HikariDataSource()))
			.run((context) -> assertThat(context).getBeans(TransactionManager.class)
				.containsOnlyKeys("userTransactionManager"));
		runner.withPropertyValues("spring.dao.exceptiontranslation.enabled=false")
			.run((context) -> assertThat(context.getBean(TransactionManager.class))
				.isNotInstanceOf(LostConnectionTransactionManager.class));
		runner.withPropertyValues("traffic-guard.datasource.enabled=false")
			.run((context) -> assertThat(context.getBean(TransactionManager.class))
				.isNotInstanceOf(LostConnectionTransactionManager.class));
	}

	@Test
	void answersLostConnectionsInServletWebApplications() {
		webContextRunner().run((context) -> assertThat(context).hasSingleBean(ConnectionLostProblemMapper.class)
			.hasBean("trafficGuardConnectionLostMetrics"));
		webContextRunner().withPropertyValues("traffic-guard.datasource.connection-lost.retry-after=0s")
			.run((context) -> assertThat(context).hasFailed());
	}

	private WebApplicationContextRunner webContextRunner() {
		return new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(TrafficGuardAutoConfiguration.class,
					DataSourceAutoConfiguration.class, TrafficGuardDataSourceAutoConfiguration.class))
			.withInitializer(new TrafficGuardDefaultsInitializer());
	}

	@Test
	void invalidPropertyFailsStartupNamingIt() {
		this.contextRunner.withPropertyValues("traffic-guard.datasource.expected-instances=0").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new InvalidPropertyFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).isEqualTo("Invalid Traffic Guard configuration: "
					+ "traffic-guard.datasource.expected-instances=0: must be between 1 and 10000");
		});
		this.contextRunner.withPropertyValues("traffic-guard.datasource.saturation.retry-after=0s")
			.run((context) -> assertThat(new InvalidPropertyFailureAnalyzer().analyze(context.getStartupFailure())
				.getDescription())
				.contains("traffic-guard.datasource.saturation.retry-after=0ms: must be between 1s and 1h"));
	}

	@Test
	void propertiesBind() {
		this.contextRunner
			.withPropertyValues("traffic-guard.datasource.expected-instances=4",
					"traffic-guard.datasource.database-cores=16", "traffic-guard.datasource.oversubscription=fail",
					"traffic-guard.datasource.saturation.retry-after=5s")
			.run((context) -> {
				TrafficGuardDataSourceProperties properties = context.getBean(TrafficGuardDataSourceProperties.class);
				assertThat(properties.getExpectedInstances()).isEqualTo(4);
				assertThat(properties.getDatabaseCores()).isEqualTo(16);
				assertThat(properties.getOversubscription())
					.isEqualTo(TrafficGuardDataSourceProperties.Oversubscription.FAIL);
				assertThat(properties.getSaturation().getRetryAfter()).hasSeconds(5);
				@SuppressWarnings("unchecked")
				Map<String, Setting> settings = (Map<String, Setting>) section(context).get("settings");
				assertThat(settings.get("expected-instances")).isEqualTo(new Setting(4, "user"));
			});
	}

	@Test
	void databaseWithoutReadableLimitIsReportedAsNotSupported() {
		this.contextRunner.run((context) -> {
			ConnectionLimit limit = context.getBean(ConnectionLimitCheck.class).resultOf("dataSource");
			assertThat(limit).isNotNull();
			assertThat(limit.status()).isEqualTo("not-supported");
			assertThat(limit.database()).isEqualTo("H2");
		});
	}

	@Test
	void drainsThePoolThenSpringClosesItAndBothAreOnTheTimeline(CapturedOutput output) {
		this.contextRunner.withPropertyValues("traffic-guard.shutdown.timeout=100ms").run((context) -> {
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			Connection leftOpen = pool.getConnection();
			assertThat(leftOpen.isValid(1)).isTrue();
			ShutdownTimeline timeline = context.getBean(ShutdownTimeline.class);
			context.close();
			assertThat(pool.isClosed()).isTrue();
			assertThat(timeline.entries()).extracting(Entry::phase, Entry::event)
				.containsExactly(org.assertj.core.groups.Tuple.tuple("datasource dataSource", "started"),
						org.assertj.core.groups.Tuple.tuple("datasource dataSource", "ended"),
						org.assertj.core.groups.Tuple.tuple("datasource dataSource", "closed"));
			// Never returned: still in use when the drain gave up, aborted when the pool closed
			assertThat(timeline.entries().get(1).counts()).containsEntry("active-at-start", 1)
				.containsEntry("active-after-drain", 1);
			assertThat(timeline.entries().get(2).counts()).containsEntry("active-at-close", 1);
		});
		assertThat(output).contains("datasource dataSource closed {active-at-close=1}")
			.doesNotContain("destroy method")
			.doesNotContain("Exception");
	}

	@Test
	void drainTimeoutFollowsTheShutdownTimeout() {
		this.contextRunner.run((context) -> assertThat(context.getBean(DataSourceShutdown.class).getTimeout())
			.isEqualTo(Duration.ofSeconds(30)));
		this.contextRunner.withPropertyValues("traffic-guard.shutdown.timeout=7s")
			.run((context) -> assertThat(context.getBean(DataSourceShutdown.class).getTimeout())
				.isEqualTo(Duration.ofSeconds(7)));
	}

	@Test
	void endpointAndShutdownCreateNoLazyPool() {
		this.contextRunner.withUserConfiguration(LazyPoolConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(pools(context)).containsOnlyKeys("eagerDataSource");
			ShutdownTimeline timeline = context.getBean(ShutdownTimeline.class);
			context.close();
			assertThat(timeline.entries()).extracting(Entry::phase).containsOnly("datasource eagerDataSource");
		});
	}

	@Test
	void closesPoolsAfterExecutorsAndHttpClients() {
		this.contextRunner.run((context) -> assertThat(context.getBean(DataSourceShutdown.class).getPhase())
			.isEqualTo(ShutdownPhases.DATASOURCES)
			.isLessThan(ShutdownPhases.HTTP_CLIENTS)
			.isLessThan(ShutdownPhases.EXECUTORS));
	}

	@Test
	void stoppedContextKeepsItsPools() {
		this.contextRunner.run((context) -> {
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			context.stop();
			assertThat(pool.isClosed()).isFalse();
			context.start();
			try (Connection connection = pool.getConnection()) {
				assertThat(connection.isValid(1)).isTrue();
			}
		});
	}

	private static HikariSetting setting(String property) {
		for (HikariSetting setting : HikariSetting.values()) {
			if (setting.property().equals(property)) {
				return setting;
			}
		}
		throw new IllegalArgumentException(property);
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> section(AssertableApplicationContext context) {
		return (Map<String, Object>) context.getBean("trafficGuardDataSourceContributor", TrafficGuardContributor.class)
			.describe();
	}

	@SuppressWarnings("unchecked")
	static Map<String, Map<String, Object>> pools(AssertableApplicationContext context) {
		return (Map<String, Map<String, Object>>) section(context).get("pools");
	}

	@SuppressWarnings("unchecked")
	static Map<String, Setting> settings(AssertableApplicationContext context, String pool) {
		return (Map<String, Setting>) pools(context).get(pool).get("settings");
	}

	@Configuration(proxyBeanMethods = false)
	static class SecondPoolConfiguration {

		@Bean
		@ConfigurationProperties("app.second")
		HikariDataSource secondDataSource() {
			return DataSourceBuilder.create().type(HikariDataSource.class).build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CodePoolConfiguration {

		@Bean
		DataSource codeDataSource() {
			HikariDataSource pool = new HikariDataSource();
			pool.setJdbcUrl("jdbc:h2:mem:tg-code");
			pool.setConnectionTimeout(7_000);
			return pool;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class StartedPoolConfiguration {

		@Bean
		HikariDataSource startedDataSource() {
			HikariConfig config = new HikariConfig();
			config.setJdbcUrl("jdbc:h2:mem:tg-started");
			return new HikariDataSource(config);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LazyPoolConfiguration {

		@Bean
		HikariDataSource eagerDataSource() {
			HikariDataSource pool = new HikariDataSource();
			pool.setJdbcUrl("jdbc:h2:mem:tg-eager");
			return pool;
		}

		@Bean
		@Lazy
		HikariDataSource lazyDataSource() {
			throw new IllegalStateException("The lazy pool must not be created");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserTunerConfiguration {

		@Bean
		static HikariPoolTuner userTuner(Environment environment) {
			return new HikariPoolTuner(environment);
		}

	}

}
