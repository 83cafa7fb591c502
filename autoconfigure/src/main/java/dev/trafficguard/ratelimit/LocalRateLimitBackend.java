package dev.trafficguard.ratelimit;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;

/**
 * Keeps the buckets in this instance's memory: one Caffeine cache per rule, each bounded to
 * {@code max-clients} clients, the least recently seen evicted first. A client's bucket is
 * forgotten once it has been idle long enough to have refilled completely, since a new
 * bucket is then the same. Caffeine's reads take no lock shared by all clients (its
 * housekeeping lock is only tried), and bucket4j's lock-free bucket takes none at all.
 */
final class LocalRateLimitBackend implements RateLimitBackend {

	private final Map<RateLimitRule, RuleBuckets> buckets;

	private final long maxClients;

	LocalRateLimitBackend(List<RateLimitRule> rules, long maxClients) {
		this.maxClients = maxClients;
		Map<RateLimitRule, RuleBuckets> buckets = new HashMap<>();
		for (RateLimitRule rule : rules) {
			buckets.put(rule, new RuleBuckets(rule, maxClients));
		}
		this.buckets = buckets;
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
	public Map<String, Object> describe() {
		Map<String, Object> state = new LinkedHashMap<>();
		state.put("state", "UP");
		state.put("maxClientsPerRule", this.maxClients);
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
		this.buckets.values().forEach((ruleBuckets) -> ruleBuckets.cache.invalidateAll());
	}

	private static final class RuleBuckets {

		private final Cache<String, Bucket> cache;

		private final Function<String, Bucket> newBucket;

		RuleBuckets(RateLimitRule rule, long maxClients) {
			this.cache = Caffeine.newBuilder()
				.maximumSize(maxClients)
				.expireAfterAccess(rule.timeToRefill())
				// Maintenance (reordering for expiry, eviction) runs in small batches on the
				// request thread that finds the buffers full: waking a pool thread for it costs
				// more than the work itself, and a request never waits for it (tryLock).
				.executor(Runnable::run)
				.build();
			this.newBucket = (key) -> Bucket.builder().addLimit(rule.configuration().getBandwidths()[0]).build();
		}

		Bucket bucket(String key) {
			return this.cache.get(key, this.newBucket);
		}

	}

}
