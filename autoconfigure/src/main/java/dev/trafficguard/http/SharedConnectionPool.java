package dev.trafficguard.http;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.trafficguard.lifecycle.ShutdownPhases;
import dev.trafficguard.lifecycle.ShutdownStep;
import dev.trafficguard.lifecycle.ShutdownTimeline;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.IdleConnectionEvictor;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.pool.PoolReusePolicy;
import org.apache.hc.core5.pool.PoolStats;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.jspecify.annotations.Nullable;

/**
 * The one Apache HttpClient 5 connection pool that every HTTP client Spring Boot builds
 * shares. A single thread evicts expired connections and connections idle longer than the
 * idle timeout. The pool closes in the {@link ShutdownPhases#HTTP_CLIENTS} phase, after the
 * executors have drained, and reports to the {@link ShutdownTimeline} how many connections
 * were still leased when it closed.
 * <p>
 * Only a context that closes closes the pool: a context that is only stopped keeps it, and
 * its evictor, so that it can be started again (a closed connection manager and a finished
 * evictor thread cannot). Spring's later call of {@link #close()} as the bean's destroy
 * method finds the pool closed and does nothing.
 */
public final class SharedConnectionPool extends ShutdownStep implements AutoCloseable {

	static final String PHASE_NAME = "http-client pool";

	private final PoolingHttpClientConnectionManager connectionManager;

	private final IdleConnectionEvictor evictor;

	private final Settings settings;

	private final @Nullable ShutdownTimeline timeline;

	private final AtomicBoolean evictorStarted = new AtomicBoolean();

	private final AtomicBoolean closed = new AtomicBoolean();

	private final HostBulkhead hostBulkhead;

	private final UnsentRequests unsentRequests = new UnsentRequests();

	/**
	 * Create the pool.
	 * @param settings the effective settings
	 * @param tlsSocketStrategy the TLS strategy, or {@code null} for the JDK's default
	 * @param dnsResolver the DNS resolver, or {@code null} for the system's
	 * @param timeline the shutdown timeline to report to, or {@code null}
	 */
	public SharedConnectionPool(Settings settings, @Nullable TlsSocketStrategy tlsSocketStrategy,
			@Nullable DnsResolver dnsResolver, @Nullable ShutdownTimeline timeline) {
		super(ShutdownPhases.HTTP_CLIENTS);
		this.settings = settings;
		this.timeline = timeline;
		this.hostBulkhead = new HostBulkhead(settings.maxCallsPerHost());
		ConnectionConfig connectionConfig = ConnectionConfig.custom()
			.setConnectTimeout(Timeout.of(settings.connectTimeout()))
			.setSocketTimeout(Timeout.of(settings.responseTimeout()))
			.setTimeToLive(TimeValue.of(settings.timeToLive()))
			.setValidateAfterInactivity(TimeValue.of(settings.validateAfterInactivity()))
			.build();
		PoolingHttpClientConnectionManagerBuilder builder = PoolingHttpClientConnectionManagerBuilder.create()
			.useSystemProperties()
			.setMaxConnTotal(settings.maxTotal())
			.setMaxConnPerRoute(settings.maxPerRoute())
			.setPoolConcurrencyPolicy(PoolConcurrencyPolicy.STRICT)
			.setConnPoolPolicy(PoolReusePolicy.LIFO)
			.setDefaultConnectionConfig(connectionConfig);
		if (tlsSocketStrategy != null) {
			builder.setTlsSocketStrategy(tlsSocketStrategy);
		}
		if (dnsResolver != null) {
			builder.setDnsResolver(dnsResolver);
		}
		this.connectionManager = builder.build();
		// One thread for the whole application; it wakes at most every 5 s.
		TimeValue sleep = TimeValue.of(Math.min(settings.idleTimeout().toMillis(), 5000), TimeUnit.MILLISECONDS);
		this.evictor = new IdleConnectionEvictor(this.connectionManager, (runnable) -> {
			Thread thread = new Thread(runnable, "traffic-guard-http-evictor");
			thread.setDaemon(true);
			return thread;
		}, sleep, TimeValue.of(settings.idleTimeout()));
	}

	/**
	 * The shared connection manager, to be set on each HTTP client as a shared one.
	 * @return the connection manager
	 */
	public PoolingHttpClientConnectionManager getConnectionManager() {
		return this.connectionManager;
	}

	/**
	 * The effective settings of the pool.
	 * @return the settings
	 */
	public Settings getSettings() {
		return this.settings;
	}

	/**
	 * The limit of calls in flight per host of the clients on this pool.
	 * @return the bulkhead
	 */
	HostBulkhead getHostBulkhead() {
		return this.hostBulkhead;
	}

	/**
	 * What tells the requests that never left the process from failures of the host.
	 * @return the unsent requests
	 */
	UnsentRequests getUnsentRequests() {
		return this.unsentRequests;
	}

	/**
	 * Connections of the whole pool: leased, pending, available, max.
	 * @return the statistics
	 */
	public PoolStats getTotalStats() {
		return this.connectionManager.getTotalStats();
	}

	@Override
	public void start() {
		if (this.closed.get()) {
			throw new IllegalStateException("The shared connection pool is closed");
		}
		if (this.evictorStarted.compareAndSet(false, true)) {
			this.evictor.start();
		}
		super.start();
	}

	@Override
	protected void shutdown() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		if (this.timeline != null) {
			this.timeline.started(PHASE_NAME);
		}
		PoolStats stats = this.connectionManager.getTotalStats();
		this.evictor.shutdown();
		this.connectionManager.close(CloseMode.GRACEFUL);
		if (this.timeline != null) {
			this.timeline.ended(PHASE_NAME,
					Map.of("leased-at-close", stats.getLeased(), "pending-at-close", stats.getPending(),
							"available-closed", stats.getAvailable()));
		}
	}

	@Override
	public void close() {
		markClosing();
		stop();
	}

	/**
	 * The effective settings of the shared pool, after Spring Boot's
	 * {@code spring.http.clients.*} values have been applied over Traffic Guard's.
	 *
	 * @param maxTotal maximum connections in total
	 * @param maxPerRoute maximum connections per downstream host
	 * @param connectTimeout connect timeout
	 * @param leaseTimeout how long to wait for a pooled connection
	 * @param responseTimeout how long to wait for the response
	 * @param idleTimeout how long an idle connection is kept
	 * @param timeToLive longest life of a connection
	 * @param validateAfterInactivity idle time after which a connection is checked before reuse
	 * @param maxCallsPerHost maximum calls in flight to one downstream host
	 */
	public record Settings(int maxTotal, int maxPerRoute, Duration connectTimeout, Duration leaseTimeout,
			Duration responseTimeout, Duration idleTimeout, Duration timeToLive, Duration validateAfterInactivity,
			int maxCallsPerHost) {

	}

}
