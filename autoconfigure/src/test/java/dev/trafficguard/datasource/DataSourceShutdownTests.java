package dev.trafficguard.datasource;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.trafficguard.lifecycle.ShutdownTimeline;
import dev.trafficguard.lifecycle.ShutdownTimeline.Entry;
import dev.trafficguard.properties.TrafficGuardAutoConfiguration;
import dev.trafficguard.test.TrafficGuardDefaultsInitializer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * The {@code DATASOURCES} shutdown phase drains the pools and leaves them open for the beans
 * Spring destroys afterwards; Spring closes them after those beans, on an embedded H2
 * database.
 */
class DataSourceShutdownTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TrafficGuardAutoConfiguration.class,
				DataSourceAutoConfiguration.class, TrafficGuardDataSourceAutoConfiguration.class))
		.withInitializer(new TrafficGuardDefaultsInitializer());

	@Test
	void drainWaitsForABorrowedConnectionToComeBack() {
		this.contextRunner.run((context) -> {
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			ShutdownTimeline timeline = context.getBean(ShutdownTimeline.class);
			Connection borrowed = pool.getConnection();
			CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);
			try {
				await().atMost(WAIT)
					.until(() -> timeline.entries().stream().anyMatch((entry) -> entry.event().equals("started")));
				// The drain waits (up to 30s by default) while the connection is out
				assertThatExceptionOfType(TimeoutException.class)
					.isThrownBy(() -> closing.get(300, TimeUnit.MILLISECONDS));
				assertThat(timeline.entries()).extracting(Entry::event).containsExactly("started");
				assertThat(pool.isClosed()).isFalse();
			}
			finally {
				borrowed.close();
			}
			closing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
			assertThat(timeline.entries()).extracting(Entry::phase, Entry::event)
				.containsExactly(tuple("datasource dataSource", "started"), tuple("datasource dataSource", "ended"),
						tuple("datasource dataSource", "closed"));
			assertThat(timeline.entries().get(1).counts()).containsEntry("active-at-start", 1)
				.containsEntry("active-after-drain", 0);
			assertThat(timeline.entries().get(2).counts()).containsEntry("active-at-close", 0);
			assertThat(pool.isClosed()).isTrue();
		});
	}

	@Test
	void beanDestroyedAfterTheDrainStillGetsAConnectionAndThePoolClosesAfterIt() {
		List<String> events = new CopyOnWriteArrayList<>();
		this.contextRunner.withUserConfiguration(LockConfiguration.class)
			.withBean("events", List.class, () -> events)
			.run((context) -> {
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				// Minimum idle (3) reached, so no connection is being added while the pool drains
				await().atMost(WAIT).until(() -> pool.getHikariPoolMXBean().getIdleConnections() == 3);
				ShutdownTimeline timeline = context.getBean(ShutdownTimeline.class);
				context.close();
				assertThat(events).containsExactly("drained, idle=0", "lock released: 1");
				assertThat(pool.isClosed()).isTrue();
				assertThat(timeline.entries()).extracting(Entry::event).containsExactly("started", "ended", "closed");
				Map<String, Object> drained = timeline.entries().get(1).counts();
				assertThat(drained).containsEntry("active-after-drain", 0).containsEntry("idle-evicted", 3);
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class LockConfiguration {

		@Bean
		LockRegistry lockRegistry(DataSource dataSource, ShutdownTimeline timeline, List<String> events) {
			return new LockRegistry(new JdbcTemplate(dataSource), (HikariDataSource) dataSource, timeline, events);
		}

	}

	/**
	 * Releases its locks in the database when it is destroyed, as ShedLock or Spring
	 * Integration's JDBC lock registry do.
	 */
	static final class LockRegistry implements DisposableBean {

		private final JdbcTemplate jdbcTemplate;

		private final HikariDataSource pool;

		private final ShutdownTimeline timeline;

		private final List<String> events;

		LockRegistry(JdbcTemplate jdbcTemplate, HikariDataSource pool, ShutdownTimeline timeline,
				List<String> events) {
			this.jdbcTemplate = jdbcTemplate;
			this.pool = pool;
			this.timeline = timeline;
			this.events = events;
			this.jdbcTemplate.execute("CREATE TABLE locks (name VARCHAR(64) PRIMARY KEY)");
			this.jdbcTemplate.update("INSERT INTO locks VALUES ('job')");
		}

		@Override
		public void destroy() {
			if (this.timeline.entries().stream().anyMatch((entry) -> entry.event().equals("ended"))) {
				this.events.add("drained, idle=" + this.pool.getHikariPoolMXBean().getIdleConnections());
			}
			int released = this.jdbcTemplate.update("DELETE FROM locks WHERE name = 'job'");
			this.events.add("lock released: " + released);
		}

	}

}
