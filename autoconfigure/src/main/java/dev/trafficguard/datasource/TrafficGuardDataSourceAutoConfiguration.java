package dev.trafficguard.datasource;

import java.time.Duration;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.trafficguard.actuate.TrafficGuardContributor;
import dev.trafficguard.lifecycle.ShutdownTimeline;
import dev.trafficguard.properties.SettingSources;
import dev.trafficguard.properties.TrafficGuardAutoConfiguration;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.transaction.autoconfigure.TransactionManagerCustomizers;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.TransactionManager;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for tuned HikariCP pools: Traffic
 * Guard's tuning for every pool bean, the startup check against the database's connection
 * limit, 503 for a request that gets no connection in time or whose connection was lost, a
 * transaction manager for which a lost connection needs no rollback, the pools drained last on
 * shutdown and closed when Spring destroys their beans, and the {@code datasource} section of the {@code trafficguard} endpoint.
 * Spring Boot's own pool gets its defaults through {@link DataSourcePropertyDefaults}.
 */
// After JPA's and JTA's configurations: their transaction managers win over the JDBC one
// this configuration puts in place of Boot's
@AutoConfiguration(after = TrafficGuardAutoConfiguration.class,
		afterName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
				"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
				"org.springframework.boot.transaction.jta.autoconfigure.JtaAutoConfiguration" },
		beforeName = "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration")
@ConditionalOnClass(HikariDataSource.class)
@ConditionalOnBooleanProperty(name = { "traffic-guard.enabled", "traffic-guard.datasource.enabled" },
		matchIfMissing = true)
@EnableConfigurationProperties(TrafficGuardDataSourceProperties.class)
public final class TrafficGuardDataSourceAutoConfiguration {

	private static final String SHUTDOWN_TIMEOUT = "traffic-guard.shutdown.timeout";

	private static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);

	@Bean
	@ConditionalOnMissingBean
	static HikariPoolTuner trafficGuardHikariPoolTuner(Environment environment) {
		return new HikariPoolTuner(environment);
	}

	@Bean
	@ConditionalOnMissingBean
	ConnectionLimitCheck trafficGuardConnectionLimitCheck(ListableBeanFactory beanFactory,
			TrafficGuardDataSourceProperties properties) {
		return new ConnectionLimitCheck(new HikariPools(beanFactory), properties);
	}

	@Bean
	@ConditionalOnMissingBean
	DataSourceShutdown trafficGuardDataSourceShutdown(ListableBeanFactory beanFactory, ShutdownTimeline timeline,
			Environment environment) {
		// The shutdown feature's timeout bounds the drain too, without depending on that feature
		Duration timeout = Binder.get(environment)
			.bind(SHUTDOWN_TIMEOUT, Duration.class)
			.map((value) -> value.isNegative() ? Duration.ZERO : value)
			.orElse(DEFAULT_DRAIN_TIMEOUT);
		return new DataSourceShutdown(new HikariPools(beanFactory), timeline, timeout);
	}

	@Bean
	@ConditionalOnMissingBean
	static PoolCloseRecorder trafficGuardPoolCloseRecorder(ObjectProvider<ShutdownTimeline> timeline) {
		return new PoolCloseRecorder(timeline);
	}

	@Bean
	TrafficGuardContributor trafficGuardDataSourceContributor(TrafficGuardDataSourceProperties properties,
			SettingSources settingSources, ListableBeanFactory beanFactory, ObjectProvider<HikariPoolTuner> tuner,
			ObjectProvider<ConnectionLimitCheck> check, ObjectProvider<PoolSaturationProblemMapper> saturation,
			ObjectProvider<ConnectionLostProblemMapper> connectionLost) {
		return new DataSourceContributor(properties, settingSources, new HikariPools(beanFactory), tuner, check,
				saturation, connectionLost);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ JdbcTemplate.class, TransactionManager.class, TransactionManagerCustomizers.class })
	@ConditionalOnSingleCandidate(DataSource.class)
	@ConditionalOnBooleanProperty(name = "spring.dao.exceptiontranslation.enabled", matchIfMissing = true)
	static class LostConnectionTransactionManagerConfiguration {

		// Named as Spring Boot names the one it would create in its place, so code that asks
		// for it by name keeps working
		@Bean
		@ConditionalOnMissingBean(TransactionManager.class)
		LostConnectionTransactionManager transactionManager(DataSource dataSource,
				ObjectProvider<TransactionManagerCustomizers> customizers) {
			LostConnectionTransactionManager transactionManager = new LostConnectionTransactionManager(dataSource);
			customizers.ifAvailable((available) -> available.customize(transactionManager));
			return transactionManager;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = Type.SERVLET)
	static class PoolSaturationConfiguration {

		@Bean
		@ConditionalOnMissingBean
		PoolSaturationProblemMapper trafficGuardPoolSaturationProblemMapper(
				TrafficGuardDataSourceProperties properties) {
			return new PoolSaturationProblemMapper(properties.getSaturation().getRetryAfter());
		}

		@Bean
		@ConditionalOnMissingBean
		ConnectionLostProblemMapper trafficGuardConnectionLostProblemMapper(
				TrafficGuardDataSourceProperties properties) {
			return new ConnectionLostProblemMapper(properties.getConnectionLost().getRetryAfter());
		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(MeterBinder.class)
		static class PoolSaturationMetricsConfiguration {

			@Bean
			MeterBinder trafficGuardPoolSaturationMetrics(PoolSaturationProblemMapper mapper) {
				return (registry) -> FunctionCounter
					.builder("traffic.guard.datasource.rejected", mapper, PoolSaturationProblemMapper::rejected)
					.description("Requests answered 503 because no database connection became available in time")
					.register(registry);
			}

			@Bean
			MeterBinder trafficGuardConnectionLostMetrics(ConnectionLostProblemMapper mapper) {
				return (registry) -> {
					for (LostConnection cause : LostConnection.values()) {
						FunctionCounter
							.builder("traffic.guard.datasource.connection.lost", mapper,
									(counted) -> counted.answered(cause))
							.tag("cause", cause.tag())
							.description("Requests answered 503 because their database connection was lost")
							.register(registry);
					}
				};
			}

		}

	}

}
