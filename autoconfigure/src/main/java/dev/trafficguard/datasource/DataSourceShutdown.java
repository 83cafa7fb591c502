package dev.trafficguard.datasource;

import java.util.LinkedHashMap;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.trafficguard.lifecycle.ShutdownPhases;
import dev.trafficguard.lifecycle.ShutdownTimeline;

import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextClosedEvent;

/**
 * Closes the HikariCP pools when the application context closes, in phase
 * {@link ShutdownPhases#DATASOURCES}: after the web server, the executors and the HTTP
 * client pool have stopped, so nothing that could still need a connection loses it, and
 * before Spring destroys the beans. Each pool is recorded in the {@link ShutdownTimeline}
 * with the connections it had at close.
 * <p>
 * A context that is only stopped, not closed, keeps its pools: a closed HikariCP pool cannot
 * be started again. Spring's later call of {@code close()} as the bean's destroy method
 * finds the pool closed and does nothing.
 */
public final class DataSourceShutdown implements SmartLifecycle, ApplicationListener<ContextClosedEvent> {

	private final ApplicationContext applicationContext;

	private final HikariPools pools;

	private final ShutdownTimeline timeline;

	private volatile boolean running;

	private volatile boolean closing;

	DataSourceShutdown(ApplicationContext applicationContext, HikariPools pools, ShutdownTimeline timeline) {
		this.applicationContext = applicationContext;
		this.pools = pools;
		this.timeline = timeline;
	}

	@Override
	public void onApplicationEvent(ContextClosedEvent event) {
		if (event.getApplicationContext() == this.applicationContext) {
			this.closing = true;
		}
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		if (this.closing) {
			this.pools.find().forEach(this::close);
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return ShutdownPhases.DATASOURCES;
	}

	private void close(String name, HikariDataSource pool) {
		if (pool.isClosed()) {
			return;
		}
		String phase = "datasource " + name;
		this.timeline.started(phase);
		Map<String, Object> counts = new LinkedHashMap<>();
		HikariPoolMXBean state = pool.getHikariPoolMXBean();
		if (state != null) {
			counts.put("active-at-close", state.getActiveConnections());
			counts.put("idle-at-close", state.getIdleConnections());
			counts.put("pending-at-close", state.getThreadsAwaitingConnection());
		}
		else {
			counts.put("active-at-close", 0);
		}
		pool.close();
		this.timeline.ended(phase, counts);
	}

}
