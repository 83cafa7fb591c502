package dev.trafficguard.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.bucket4j.redis.lettuce.RedisApi;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.ClientOptions.DisconnectedBehavior;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The rate limiter's own connection to Redis, for bucket4j's Lettuce proxy manager. It is
 * separate from the application's so that its behaviour under failure is the limiter's:
 * commands time out after {@code redis-timeout}, a disconnected connection rejects commands
 * at once instead of queueing them, the queue of commands in flight is bounded, and a lost
 * connection is re-established in the background within seconds of Redis coming back.
 * <p>
 * It speaks to one Redis server, to the master its Sentinels name (both through a
 * {@link RedisClient}), or to a Redis Cluster (through a {@link RedisClusterClient}, which
 * sends each bucket's commands to the node that owns its key's slot and follows the
 * cluster's topology as it changes: every bucket is one key, so every script runs on one
 * node).
 * <p>
 * Keys are {@code byte[]}, typed {@code Object}: bucket4j hands the keys over as a generic
 * array, an {@code Object[]}, which a {@code RedisApi<byte[]>} could not accept.
 */
final class RedisBucketConnection implements RedisApi<Object>, AutoCloseable {

	private static final Log logger = LogFactory.getLog(RedisBucketConnection.class);

	/**
	 * Most commands queued on the connection: beyond it, commands fail at once.
	 */
	static final int MAX_QUEUED_COMMANDS = 10_000;

	private static final long RETRY_CONNECT_NANOS = TimeUnit.SECONDS.toNanos(1);

	private final ClientResources resources;

	private final AbstractRedisClient client;

	private final List<RedisURI> uris;

	private final boolean cluster;

	private final Duration timeout;

	private final AtomicBoolean connecting = new AtomicBoolean();

	private volatile @Nullable StatefulConnection<byte[], byte[]> connection;

	private volatile @Nullable RedisClusterAsyncCommands<byte[], byte[]> commands;

	private volatile long nextAttempt = System.nanoTime();

	private volatile boolean closed;

	RedisBucketConnection(RedisURI uri, Duration timeout, @Nullable SslOptions sslOptions) {
		this(List.of(uri), false, timeout, sslOptions);
	}

	/**
	 * Create a connection, not connected yet.
	 * @param uris the server (or its Sentinels), or the seed nodes of a cluster
	 * @param cluster whether the URIs are a Redis Cluster's nodes
	 * @param timeout the command timeout
	 * @param sslOptions the TLS options, or {@code null} for none
	 */
	RedisBucketConnection(List<RedisURI> uris, boolean cluster, Duration timeout, @Nullable SslOptions sslOptions) {
		this.uris = List.copyOf(uris);
		this.cluster = cluster;
		this.timeout = timeout;
		this.resources = ClientResources.builder()
			.ioThreadPoolSize(2)
			.computationThreadPoolSize(2)
			.reconnectDelay(() -> Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2,
					TimeUnit.MILLISECONDS))
			.build();
		if (cluster) {
			RedisClusterClient clusterClient = RedisClusterClient.create(this.resources, this.uris);
			ClusterClientOptions.Builder options = ClusterClientOptions.builder()
				// Follow fail-overs and resharding: on a MOVED/ASK redirect or a lost node at once,
				// and every 30 seconds regardless.
				.topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
					.enableAllAdaptiveRefreshTriggers()
					.enablePeriodicRefresh(Duration.ofSeconds(30))
					.build());
			configure(options, timeout, sslOptions);
			clusterClient.setOptions(options.build());
			this.client = clusterClient;
		}
		else {
			RedisClient redisClient = RedisClient.create(this.resources);
			ClientOptions.Builder options = ClientOptions.builder();
			configure(options, timeout, sslOptions);
			redisClient.setOptions(options.build());
			this.client = redisClient;
		}
	}

	private static void configure(ClientOptions.Builder options, Duration timeout, @Nullable SslOptions sslOptions) {
		options.autoReconnect(true)
			.disconnectedBehavior(DisconnectedBehavior.REJECT_COMMANDS)
			.requestQueueSize(MAX_QUEUED_COMMANDS)
			.timeoutOptions(TimeoutOptions.enabled(timeout))
			.socketOptions(SocketOptions.builder().connectTimeout(connectTimeout(timeout)).build());
		if (sslOptions != null) {
			options.sslOptions(sslOptions);
		}
	}

	private static Duration connectTimeout(Duration timeout) {
		Duration atLeast = Duration.ofSeconds(1);
		return (timeout.compareTo(atLeast) > 0) ? timeout : atLeast;
	}

	/**
	 * Connect, waiting at most the given time. A failure is not an error: the connection is
	 * tried again in the background while decisions follow the failure mode.
	 * @param wait how long to wait
	 */
	void connect(Duration wait) {
		startConnecting();
		long deadline = System.nanoTime() + wait.toNanos();
		synchronized (this) {
			while (this.connection == null && this.connecting.get() && System.nanoTime() < deadline) {
				try {
					wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

	/**
	 * Whether commands can be sent now. When no connection was ever established, this
	 * starts a new attempt (at most one a second).
	 * @return whether the connection is up
	 */
	boolean isConnected() {
		StatefulConnection<byte[], byte[]> current = this.connection;
		if (current != null) {
			return current.isOpen();
		}
		if (System.nanoTime() - this.nextAttempt >= 0) {
			startConnecting();
		}
		return false;
	}

	/**
	 * Send a {@code PING} and wait for the answer at most the command timeout.
	 * @return whether Redis answered
	 */
	boolean ping() {
		StatefulConnection<byte[], byte[]> current = this.connection;
		RedisClusterAsyncCommands<byte[], byte[]> commands = this.commands;
		if (current == null || commands == null || !current.isOpen()) {
			isConnected();
			return false;
		}
		try {
			return "PONG".equals(commands.ping().get(this.timeout.toNanos(), TimeUnit.NANOSECONDS));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		catch (Exception ex) {
			return false;
		}
	}

	List<RedisURI> uris() {
		return this.uris;
	}

	boolean isCluster() {
		return this.cluster;
	}

	private void startConnecting() {
		if (this.closed || !this.connecting.compareAndSet(false, true)) {
			return;
		}
		this.nextAttempt = System.nanoTime() + RETRY_CONNECT_NANOS;
		try {
			connectAsync().whenComplete((connected, failure) -> {
				if (connected != null) {
					if (this.closed) {
						connected.closeAsync();
					}
					else {
						this.commands = (connected instanceof StatefulRedisClusterConnection<byte[], byte[]> nodes)
								? nodes.async() : ((StatefulRedisConnection<byte[], byte[]>) connected).async();
						this.connection = connected;
					}
				}
				else if (logger.isDebugEnabled()) {
					logger.debug("Rate-limit backend could not connect to Redis at " + describe(), failure);
				}
				connectionAttemptEnded();
			});
		}
		catch (RuntimeException ex) {
			logger.debug("Rate-limit backend could not connect to Redis at " + describe(), ex);
			connectionAttemptEnded();
		}
	}

	private CompletionStage<? extends StatefulConnection<byte[], byte[]>> connectAsync() {
		if (this.client instanceof RedisClusterClient clusterClient) {
			// An asynchronous cluster connection needs the topology first (the synchronous
			// connect loads it itself); a later attempt refreshes it, as nodes may have moved.
			return clusterClient.refreshPartitionsAsync()
				.thenCompose((loaded) -> clusterClient.connectAsync(ByteArrayCodec.INSTANCE));
		}
		return ((RedisClient) this.client).connectAsync(ByteArrayCodec.INSTANCE, this.uris.get(0));
	}

	private void connectionAttemptEnded() {
		synchronized (this) {
			this.connecting.set(false);
			notifyAll();
		}
	}

	String describe() {
		List<String> nodes = new ArrayList<>();
		for (RedisURI uri : this.uris) {
			if (uri.getSentinelMasterId() != null) {
				List<String> sentinels = uri.getSentinels()
					.stream()
					.map((sentinel) -> sentinel.getHost() + ":" + sentinel.getPort())
					.toList();
				nodes.add("master '" + uri.getSentinelMasterId() + "' of sentinels " + String.join(",", sentinels));
			}
			else {
				nodes.add(uri.getHost() + ":" + uri.getPort());
			}
		}
		return (this.cluster ? "cluster " : "") + String.join(",", nodes);
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private RedisClusterAsyncCommands<Object, byte[]> commands() {
		RedisClusterAsyncCommands<byte[], byte[]> current = this.commands;
		if (current == null) {
			throw new IllegalStateException("Not connected to Redis");
		}
		// ByteArrayCodec casts each key to byte[]; the array holding them may be an Object[].
		return (RedisClusterAsyncCommands) current;
	}

	@Override
	public <V> RedisFuture<V> eval(String script, ScriptOutputType scriptOutputType, Object[] keys, byte[][] args) {
		return commands().eval(script, scriptOutputType, keys, args);
	}

	@Override
	public RedisFuture<byte[]> get(Object key) {
		return commands().get(key);
	}

	@Override
	public RedisFuture<?> delete(Object key) {
		return commands().del(key);
	}

	@Override
	public void close() {
		this.closed = true;
		StatefulConnection<byte[], byte[]> current = this.connection;
		if (current != null) {
			current.close();
		}
		this.client.shutdown(0, 2, TimeUnit.SECONDS);
		this.resources.shutdown(0, 2, TimeUnit.SECONDS);
	}

}
