package dev.trafficguard.bench.jmh;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cost of HikariCP's leak detection, which Traffic Guard turns on (20 s threshold): a
 * connection borrowed from the pool and given back, with leak detection on against off (the
 * default of plain Spring Boot and HikariCP). With it on, HikariCP 7 creates an
 * {@code Exception} (to keep the stack trace of the code that borrowed the connection) and
 * schedules, then cancels, a task for every checkout. Both pools are the same otherwise, on
 * the same in-memory H2 database, so the figure is the pool's own overhead, no network. Run
 * with {@code -prof gc} to see the allocation per checkout.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HikariLeakDetectionBenchmark {

	private HikariDataSource plain;

	private HikariDataSource leakDetecting;

	@Setup(Level.Trial)
	public void openPools() {
		this.plain = pool("plain", 0);
		this.leakDetecting = pool("leak-detecting", 20_000);
	}

	@TearDown(Level.Trial)
	public void closePools() {
		this.plain.close();
		this.leakDetecting.close();
	}

	@Benchmark
	public Connection plainCheckout() throws SQLException {
		return checkout(this.plain);
	}

	@Benchmark
	public Connection leakDetectingCheckout() throws SQLException {
		return checkout(this.leakDetecting);
	}

	private static Connection checkout(HikariDataSource pool) throws SQLException {
		Connection connection = pool.getConnection();
		connection.close();
		return connection;
	}

	private static HikariDataSource pool(String name, long leakDetectionThreshold) {
		HikariConfig config = new HikariConfig();
		config.setPoolName(name);
		config.setJdbcUrl("jdbc:h2:mem:hikari-leak-bench;DB_CLOSE_DELAY=-1");
		config.setUsername("sa");
		config.setMaximumPoolSize(2);
		config.setMinimumIdle(2);
		config.setLeakDetectionThreshold(leakDetectionThreshold);
		return new HikariDataSource(config);
	}

}
