package dev.trafficguard.ratelimit;

import java.security.SecureRandom;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Scheduler;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.BucketListener;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.MathType;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.LockFreeBucket;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Keeps the buckets in this instance's memory: one Caffeine cache per rule, bounded by a
 * memory budget. The budget ({@code max-memory}, by default 5% of the maximum heap) is shared
 * evenly by the rules, and each rule tracks at most its share divided by the bytes a tracked
 * client costs ({@link #BYTES_PER_CLIENT}, measured), and never more than
 * {@code max-clients}. Keys are kept as a fixed-size hash ({@link BucketKey}), so a long key
 * costs no more than a short one.
 * <p>
 * A rule whose table is full gives no new client a bucket of its own: every client not yet
 * tracked shares the rule's one overflow bucket until tracked clients are forgotten, so a
 * flood of made-up keys is limited as one client, while the clients already tracked keep
 * theirs. Evicting the least recently seen instead would hand each new key of the flood a
 * fresh, full bucket. Requests through the overflow bucket are counted, and logged at WARN at
 * most once a minute.
 * <p>
 * A client's bucket is forgotten once it has been idle long enough to have refilled
 * completely, since a new bucket is then the same. That housekeeping runs on the request
 * thread that finds the cache's buffers full (under a lock requests only try, never wait for)
 * and, so that memory is given back after a flood ends even with no more requests, on one
 * housekeeping thread when entries are due to expire. bucket4j's lock-free bucket takes no
 * lock at all.
 */
final class LocalRateLimitBackend implements RateLimitBackend {

	private static final Log logger = LogFactory.getLog(LocalRateLimitBackend.class);

	/**
	 * Heap a tracked client costs with compressed references (heaps under 32 GB): the cache's
	 * node, its slot and frequency sketch, the hashed key and the bucket with its state.
	 * Measured 329 to 340 bytes (bench/README.md, RateLimitHeapFootprint), rounded up.
	 */
	static final long BYTES_PER_CLIENT = 360;

	/**
	 * Heap a tracked client costs without compressed references (heaps of 32 GB or more):
	 * measured 452 bytes, rounded up.
	 */
	static final long BYTES_PER_CLIENT_UNCOMPRESSED = 480;

	/**
	 * The share of the maximum heap the buckets may take when {@code max-memory} is not set.
	 */
	static final int DEFAULT_HEAP_PERCENT = 5;

	private static final long WARN_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

	private final Map<RateLimitRule, RuleBuckets> buckets;

	private final long maxMemory;

	private final long maxClientsPerRule;

	private final ScheduledExecutorService housekeeping;

	LocalRateLimitBackend(List<RateLimitRule> rules, long maxClients, long maxMemory) {
		this.maxMemory = maxMemory;
		this.maxClientsPerRule = maxClientsPerRule(maxMemory, rules.size(), maxClients);
		ScheduledThreadPoolExecutor housekeeping = new ScheduledThreadPoolExecutor(1, (task) -> {
			Thread thread = new Thread(task, "traffic-guard-rate-limit-housekeeping");
			thread.setDaemon(true);
			return thread;
		});
		housekeeping.setRemoveOnCancelPolicy(true);
		this.housekeeping = housekeeping;
		SecureRandom random = new SecureRandom();
		long k0 = random.nextLong();
		long k1 = random.nextLong();
		Scheduler scheduler = Scheduler.forScheduledExecutorService(housekeeping);
		Map<RateLimitRule, RuleBuckets> buckets = new HashMap<>();
		for (RateLimitRule rule : rules) {
			buckets.put(rule, new RuleBuckets(rule, this.maxClientsPerRule, k0, k1, scheduler));
		}
		this.buckets = buckets;
	}

	/**
	 * The budget used when {@code max-memory} is not set.
	 * @return {@value #DEFAULT_HEAP_PERCENT}% of the maximum heap
	 */
	static long defaultMaxMemory() {
		return Runtime.getRuntime().maxMemory() / 100 * DEFAULT_HEAP_PERCENT;
	}

	/**
	 * The most clients each rule tracks.
	 * @param maxMemory the budget of all rules, in bytes
	 * @param rules the number of rules sharing it
	 * @param maxClients the most clients per rule whatever the budget
	 * @return the cap per rule, at least 1
	 */
	static long maxClientsPerRule(long maxMemory, int rules, long maxClients) {
		long perRule = maxMemory / Math.max(1, rules);
		return Math.max(1, Math.min(maxClients, perRule / bytesPerClient()));
	}

	/**
	 * The heap a tracked client costs in this JVM: the JVM gives up compressed references
	 * for a heap of 32 GB or more.
	 */
	static long bytesPerClient() {
		return (Runtime.getRuntime().maxMemory() >= (32L << 30)) ? BYTES_PER_CLIENT_UNCOMPRESSED : BYTES_PER_CLIENT;
	}

	@Override
	public ConsumptionProbe tryConsume(RateLimitRule rule, String key) {
		return this.buckets.get(rule).bucket(key).tryConsumeAndReturnRemaining(1);
	}

	@Override
	public String name() {
		return "local";
	}

	@Override
	public long trackedClients() {
		long clients = 0;
		for (RuleBuckets ruleBuckets : this.buckets.values()) {
			clients += ruleBuckets.cache.estimatedSize();
		}
		return clients;
	}

	@Override
	public long trackedClients(RateLimitRule rule) {
		RuleBuckets ruleBuckets = this.buckets.get(rule);
		return (ruleBuckets != null) ? ruleBuckets.cache.estimatedSize() : -1;
	}

	@Override
	public long maxClients(RateLimitRule rule) {
		return this.buckets.containsKey(rule) ? this.maxClientsPerRule : -1;
	}

	@Override
	public Map<String, Object> describe() {
		Map<String, Object> state = new LinkedHashMap<>();
		state.put("state", "UP");
		state.put("maxMemory", RateLimitProperties.format(this.maxMemory));
		state.put("bytesPerClient", bytesPerClient());
		state.put("maxClientsPerRule", this.maxClientsPerRule);
		state.put("trackedClients", trackedClients());
		return state;
	}

	/**
	 * Run the caches' pending maintenance (evictions) now rather than eventually.
	 */
	void cleanUp() {
		this.buckets.values().forEach((ruleBuckets) -> ruleBuckets.cache.cleanUp());
	}

	@Override
	public void close() {
		this.housekeeping.shutdownNow();
		this.buckets.values().forEach((ruleBuckets) -> ruleBuckets.cache.invalidateAll());
	}

	private static final class RuleBuckets {

		private final RateLimitRule rule;

		private final Cache<BucketKey, Bucket> cache;

		private final long maxClients;

		private final long k0;

		private final long k1;

		private final Function<BucketKey, Bucket> newBucket;

		private final Bucket overflow;

		private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_INTERVAL_NANOS);

		RuleBuckets(RateLimitRule rule, long maxClients, long k0, long k1, Scheduler scheduler) {
			this.rule = rule;
			this.maxClients = maxClients;
			this.k0 = k0;
			this.k1 = k1;
			// The table's own bound sits above the cap that admits new clients, by room for
			// the few that racing requests add past it: were the cache to evict by size, a
			// client tracked long before the flood could lose its bucket to a flooding key
			this.cache = Caffeine.newBuilder()
				.maximumSize(maxClients + raceRoom(maxClients))
				.expireAfterAccess(rule.timeToRefill())
				// Maintenance (reordering for expiry, eviction) runs in small batches on the
				// request thread that finds the buffers full: waking a pool thread for it costs
				// more than the work itself, and a request never waits for it (tryLock). The
				// scheduler runs it on the housekeeping thread when entries are due to expire.
				.executor(Runnable::run)
				.scheduler(scheduler)
				.build();
			// Every bucket of a rule shares the rule's configuration
			BucketConfiguration configuration = rule.configuration();
			this.newBucket = (key) -> newBucket(configuration);
			this.overflow = newBucket(configuration);
		}

		/**
		 * Room above the cap for clients added by requests racing past the size check: at
		 * most one per request in progress, so a bound of the server's threads with a margin.
		 */
		static long raceRoom(long maxClients) {
			return 256 + maxClients / 64;
		}

		private static Bucket newBucket(BucketConfiguration configuration) {
			return new LockFreeBucket(configuration, MathType.INTEGER_64_BITS, TimeMeter.SYSTEM_MILLISECONDS,
					BucketListener.NOPE);
		}

		Bucket bucket(String key) {
			BucketKey bucketKey = BucketKey.of(key, this.k0, this.k1);
			Bucket bucket = this.cache.getIfPresent(bucketKey);
			if (bucket != null) {
				return bucket;
			}
			if (this.cache.estimatedSize() >= this.maxClients) {
				overflowed();
				return this.overflow;
			}
			// Racing requests may add a few beyond the cap, within the cache's room for them
			return this.cache.get(bucketKey, this.newBucket);
		}

		private void overflowed() {
			this.rule.overflow.increment();
			long now = System.nanoTime();
			long last = this.lastWarning.get();
			if (now - last >= WARN_INTERVAL_NANOS && this.lastWarning.compareAndSet(last, now)) {
				logger.warn("Rate-limit rule '" + this.rule.name() + "' tracks its most clients (" + this.maxClients
						+ ", from traffic-guard.rate-limit.max-memory and max-clients): clients not yet tracked share"
						+ " one overflow bucket until tracked ones are forgotten (" + this.rule.overflow.sum()
						+ " requests so far)");
			}
		}

	}

}
