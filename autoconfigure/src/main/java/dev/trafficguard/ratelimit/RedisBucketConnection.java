package dev.trafficguard.ratelimit;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.bucket4j.redis.lettuce.RedisApi;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.ClientOptions.DisconnectedBehavior;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
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

	private final RedisClient client;

	private final RedisURI uri;

	private final Duration timeout;

	private final AtomicBoolean connecting = new AtomicBoolean();

	private volatile @Nullable StatefulRedisConnection<byte[], byte[]> connection;

	private volatile long nextAttempt = System.nanoTime();

	private volatile boolean closed;

	RedisBucketConnection(RedisURI uri, Duration timeout, @Nullable SslOptions sslOptions) {
		this.uri = uri;
		this.timeout = timeout;
		this.resources = ClientResources.builder()
			.ioThreadPoolSize(2)
			.computationThreadPoolSize(1)
			.reconnectDelay(() -> Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2,
					TimeUnit.MILLISECONDS))
			.build();
		this.client = RedisClient.create(this.resources);
		ClientOptions.Builder options = ClientOptions.builder()
			.autoReconnect(true)
			.disconnectedBehavior(DisconnectedBehavior.REJECT_COMMANDS)
			.requestQueueSize(MAX_QUEUED_COMMANDS)
			.timeoutOptions(TimeoutOptions.enabled(timeout))
			.socketOptions(SocketOptions.builder().connectTimeout(connectTimeout(timeout)).build());
		if (sslOptions != null) {
			options.sslOptions(sslOptions);
		}
		this.client.setOptions(options.build());
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
		StatefulRedisConnection<byte[], byte[]> current = this.connection;
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
		StatefulRedisConnection<byte[], byte[]> current = this.connection;
		if (current == null || !current.isOpen()) {
			isConnected();
			return false;
		}
		try {
			return "PONG".equals(current.async().ping().get(this.timeout.toNanos(), TimeUnit.NANOSECONDS));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		catch (Exception ex) {
			return false;
		}
	}

	RedisURI uri() {
		return this.uri;
	}

	private void startConnecting() {
		if (this.closed || !this.connecting.compareAndSet(false, true)) {
			return;
		}
		this.nextAttempt = System.nanoTime() + RETRY_CONNECT_NANOS;
		try {
			this.client.connectAsync(ByteArrayCodec.INSTANCE, this.uri).whenComplete((connected, failure) -> {
				if (connected != null) {
					if (this.closed) {
						connected.closeAsync();
					}
					else {
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

	private void connectionAttemptEnded() {
		synchronized (this) {
			this.connecting.set(false);
			notifyAll();
		}
	}

	String describe() {
		return this.uri.getHost() + ":" + this.uri.getPort();
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private RedisAsyncCommands<Object, byte[]> commands() {
		StatefulRedisConnection<byte[], byte[]> current = this.connection;
		if (current == null) {
			throw new IllegalStateException("Not connected to Redis");
		}
		// ByteArrayCodec casts each key to byte[]; the array holding them may be an Object[].
		return (RedisAsyncCommands) current.async();
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
		StatefulRedisConnection<byte[], byte[]> current = this.connection;
		if (current != null) {
			current.close();
		}
		this.client.shutdown(0, 2, TimeUnit.SECONDS);
		this.resources.shutdown(0, 2, TimeUnit.SECONDS);
	}

}
