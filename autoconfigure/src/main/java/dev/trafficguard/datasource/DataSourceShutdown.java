package dev.trafficguard.datasource;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.trafficguard.lifecycle.ShutdownPhases;
import dev.trafficguard.lifecycle.ShutdownStep;
import dev.trafficguard.lifecycle.ShutdownTimeline;

/**
 * Drains the HikariCP pools when the application context closes, in phase
 * {@link ShutdownPhases#DATASOURCES}: after the web server, the executors and the HTTP
 * client pool have stopped. It waits, up to the drain timeout, until every borrowed
 * connection is back, then closes the idle connections (a soft eviction, with the pool's
 * minimum idle lowered to 0 so that they are not replaced). Each pool is recorded in the
 * {@link ShutdownTimeline} with what it had and what was still in use when the wait ended.
 * <p>
 * The pools stay open: beans that Spring destroys later may still need the database in
 * their own destroy step (a schema dropped when the entity manager factory closes, a lock
 * released in a {@code @PreDestroy} method), and get a new connection on demand. The pool
 * itself closes when Spring destroys its bean ({@code HikariDataSource.close()} as the
 * destroy method), after every bean that depends on it; {@link PoolCloseRecorder} records
 * that moment.
 * <p>
 * A context that is only stopped, not closed, keeps its pools as they are.
 */
public final class DataSourceShutdown extends ShutdownStep {

	private static final long POLL_MILLIS = 10;

	private final HikariPools pools;

	private final ShutdownTimeline timeline;

	private final Duration timeout;

	DataSourceShutdown(HikariPools pools, ShutdownTimeline timeline, Duration timeout) {
		super(ShutdownPhases.DATASOURCES);
		this.pools = pools;
		this.timeline = timeline;
		this.timeout = timeout;
	}

	@Override
	protected void shutdown() {
		// One deadline for all pools: the phase as a whole is bounded by the timeout
		long deadline = System.nanoTime() + this.timeout.toNanos();
		this.pools.find().forEach((name, pool) -> drain(name, pool, deadline));
	}

	/**
	 * How long the phase waits at most for borrowed connections to come back.
	 * @return the drain timeout
	 */
	public Duration getTimeout() {
		return this.timeout;
	}

	private void drain(String name, HikariDataSource pool, long deadline) {
		if (pool.isClosed()) {
			return;
		}
		String phase = "datasource " + name;
		this.timeline.started(phase);
		Map<String, Object> counts = new LinkedHashMap<>();
		HikariPoolMXBean state = pool.getHikariPoolMXBean();
		if (state == null) {
			// Never started: nothing borrowed, nothing to evict
			counts.put("active-at-start", 0);
			counts.put("active-after-drain", 0);
			this.timeline.ended(phase, counts);
			return;
		}
		counts.put("active-at-start", state.getActiveConnections());
		counts.put("pending-at-start", state.getThreadsAwaitingConnection());
		// Evicted idle connections must not be replaced to keep the minimum idle
		pool.getHikariConfigMXBean().setMinimumIdle(0);
		awaitReturned(state, deadline);
		counts.put("active-after-drain", state.getActiveConnections());
		counts.put("idle-evicted", state.getIdleConnections());
		// Idle connections close now, borrowed ones as soon as they come back
		state.softEvictConnections();
		this.timeline.ended(phase, counts);
	}

	private void awaitReturned(HikariPoolMXBean state, long deadline) {
		// HikariCP has no callback for a returned connection: poll, bounded by the deadline
		long remaining;
		while (state.getActiveConnections() > 0 && (remaining = deadline - System.nanoTime()) > 0) {
			try {
				Thread.sleep(Math.min(POLL_MILLIS, Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining))));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

}
