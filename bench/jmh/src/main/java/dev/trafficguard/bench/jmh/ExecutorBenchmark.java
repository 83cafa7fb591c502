package dev.trafficguard.bench.jmh;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import dev.trafficguard.executor.BoundedExecutor;
import dev.trafficguard.executor.ExecutorSettings;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import org.springframework.boot.task.ThreadPoolTaskExecutorBuilder;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * The cost of submitting a small task and waiting for its result: Traffic Guard's
 * {@link BoundedExecutor} (plain, and with a deadline) against the
 * {@link ThreadPoolTaskExecutor} that Spring Boot builds as its default
 * {@code applicationTaskExecutor} (8 core threads, unbounded queue), with the same number
 * of threads. Four submitting threads, as request threads would.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(4)
public class ExecutorBenchmark {

	private static final Callable<Integer> TASK = () -> 42;

	private static final Duration DEADLINE = Duration.ofSeconds(10);

	private ThreadPoolTaskExecutor spring;

	private BoundedExecutor bounded;

	@Setup(Level.Trial)
	public void setUp() {
		// Spring Boot's applicationTaskExecutor with its defaults (spring.task.execution.pool.*).
		this.spring = new ThreadPoolTaskExecutorBuilder().corePoolSize(8)
			.maxPoolSize(Integer.MAX_VALUE)
			.queueCapacity(Integer.MAX_VALUE)
			.keepAlive(Duration.ofSeconds(60))
			.allowCoreThreadTimeOut(true)
			.threadNamePrefix("spring-")
			.build();
		this.spring.initialize();
		this.bounded = new BoundedExecutor("bench", ExecutorSettings.of(8, 32, 800, "bounded-"));
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.spring.shutdown();
		this.bounded.destroy();
	}

	@Benchmark
	public Integer springThreadPoolTaskExecutor() throws Exception {
		return this.spring.submit(TASK).get();
	}

	@Benchmark
	public Integer boundedExecutor() throws Exception {
		return this.bounded.submit(TASK).get();
	}

	@Benchmark
	public Integer boundedExecutorWithDeadline() throws Exception {
		return this.bounded.submit(TASK, DEADLINE).get();
	}

}
