package dev.trafficguard.datasource;

import java.sql.Connection;
import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;
import dev.trafficguard.properties.TrafficGuardAutoConfiguration;
import dev.trafficguard.test.TrafficGuardDefaultsInitializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A connection kept out of the pool beyond the leak-detection threshold is reported with
 * the stack trace of the code that took it.
 */
@ExtendWith(OutputCaptureExtension.class)
class LeakDetectionTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TrafficGuardAutoConfiguration.class,
				DataSourceAutoConfiguration.class, TrafficGuardDataSourceAutoConfiguration.class))
		.withInitializer(new TrafficGuardDefaultsInitializer());

	@Test
	void leakedConnectionIsReported(CapturedOutput output) {
		// 2s is the shortest threshold HikariCP accepts; Traffic Guard's default is 20s.
		this.contextRunner.withPropertyValues("spring.datasource.hikari.leak-detection-threshold=2000")
			.run((context) -> {
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				Connection leaked = pool.getConnection();
				try {
					await().atMost(Duration.ofSeconds(60))
						.untilAsserted(() -> assertThat(output).contains("Connection leak detection triggered")
							.contains("leakedConnectionIsReported"));
				}
				finally {
					leaked.close();
				}
			});
	}

	@Test
	void leakDetectionIsOnByDefault() {
		this.contextRunner.run((context) -> assertThat(context.getBean(HikariDataSource.class)
			.getLeakDetectionThreshold()).isEqualTo(Duration.ofSeconds(20).toMillis()));
	}

}
