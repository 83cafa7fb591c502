package dev.trafficguard.datasource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import com.zaxxer.hikari.HikariDataSource;
import dev.trafficguard.properties.TrafficGuardAutoConfiguration;
import dev.trafficguard.test.TrafficGuardDefaultsInitializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ConnectionLimitCheck} against the real PostgreSQL on 127.0.0.1:5432.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConnectionLimitCheckTests {

	private static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";

	private static int maxConnections;

	private static int reserved;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TrafficGuardAutoConfiguration.class,
				DataSourceAutoConfiguration.class, TrafficGuardDataSourceAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=" + URL, "spring.datasource.username=postgres",
				"spring.datasource.hikari.minimum-idle=1")
		.withInitializer(new TrafficGuardDefaultsInitializer());

	@BeforeAll
	static void readTheDatabasesLimitDirectly() throws SQLException {
		try (Connection connection = DriverManager.getConnection(URL, "postgres", "");
				Statement statement = connection.createStatement()) {
			maxConnections = show(statement, "max_connections");
			reserved = show(statement, "superuser_reserved_connections");
			try (ResultSet result = statement
				.executeQuery("SELECT setting FROM pg_settings WHERE name = 'reserved_connections'")) {
				if (result.next()) {
					reserved += Integer.parseInt(result.getString(1));
				}
			}
		}
	}

	private static int show(Statement statement, String setting) throws SQLException {
		try (ResultSet result = statement.executeQuery("SHOW " + setting)) {
			result.next();
			return Integer.parseInt(result.getString(1));
		}
	}

	@Test
	void readsTheDatabasesOwnLimit() {
		this.contextRunner.run((context) -> {
			ConnectionLimit limit = context.getBean(ConnectionLimitCheck.class).resultOf("dataSource");
			assertThat(limit).isNotNull();
			assertThat(limit.status()).isEqualTo("ok");
			assertThat(limit.database()).isEqualTo("PostgreSQL");
			assertThat(limit.maxConnections()).isEqualTo(maxConnections);
			assertThat(limit.reservedConnections()).isEqualTo(reserved);
			assertThat(limit.availableConnections()).isEqualTo(maxConnections - reserved);
			assertThat(limit.maximumPoolSize()).isEqualTo(9);
			assertThat(limit.demand()).isEqualTo(9);
			assertThat(TrafficGuardDataSourceAutoConfigurationTests.pools(context).get("dataSource"))
				.containsEntry("connection-limit", limit.toMap());
		});
	}

	@Test
	void warnsNamingBothFiguresWhenThePoolsOfAllInstancesDoNotFit(CapturedOutput output) {
		int instances = maxConnections;
		this.contextRunner
			.withPropertyValues("traffic-guard.datasource.expected-instances=" + instances,
					"spring.datasource.hikari.maximum-pool-size=2")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ConnectionLimit limit = context.getBean(ConnectionLimitCheck.class).resultOf("dataSource");
				assertThat(limit.status()).isEqualTo("oversubscribed");
				assertThat(limit.demand()).isEqualTo(2L * instances);
			});
		assertThat(output).contains("Database connection pools oversubscribed: "
				+ "traffic-guard.datasource.expected-instances=" + instances + " * maximum-pool-size=2 of pool 'dataSource' = " + (2 * instances)
				+ " connections, but PostgreSQL allows " + (maxConnections - reserved) + " (max_connections="
				+ maxConnections + " less " + reserved + " reserved)");
	}

	@Test
	void failsStartupNamingBothFiguresWhenAskedTo() {
		int instances = maxConnections;
		this.contextRunner
			.withPropertyValues("traffic-guard.datasource.expected-instances=" + instances,
					"spring.datasource.hikari.maximum-pool-size=2", "traffic-guard.datasource.oversubscription=fail")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new ConnectionLimitFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).contains("= " + (2 * instances) + " connections")
					.contains("PostgreSQL allows " + (maxConnections - reserved))
					.contains("max_connections=" + maxConnections);
				assertThat(analysis.getAction()).contains("spring.datasource.hikari.maximum-pool-size");
			});
	}

	@Test
	void fittingPoolsPassInFailMode() {
		this.contextRunner.withPropertyValues("traffic-guard.datasource.oversubscription=fail")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void unreachableDatabaseDoesNotFailStartup(CapturedOutput output) {
		// Port 1 on loopback refuses at once: the database is down.
		this.contextRunner
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/test",
					"traffic-guard.datasource.oversubscription=fail")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ConnectionLimit limit = context.getBean(ConnectionLimitCheck.class).resultOf("dataSource");
				assertThat(limit.status()).isEqualTo("unknown");
				assertThat(limit.detail()).isNotBlank();
			});
		assertThat(output).contains("Could not check pool 'dataSource' against the database's connection limit");
	}

	@Test
	void offAsksNothing() {
		this.contextRunner.withPropertyValues("traffic-guard.datasource.oversubscription=off").run((context) -> {
			assertThat(context.getBean(ConnectionLimitCheck.class).resultOf("dataSource").status()).isEqualTo("off");
			assertThat(context.getBean(HikariDataSource.class).isRunning()).isFalse();
		});
	}

}
