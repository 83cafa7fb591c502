package dev.trafficguard.ratelimit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import dev.trafficguard.properties.PropertyCheck;
import io.github.bucket4j.BucketConfiguration;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

/**
 * A rule in force: which requests it matches, the key of their client, the token bucket
 * each client gets, its RateLimit-Policy header and its counts.
 */
final class RateLimitRule {

	private final String name;

	private final int order;

	private final List<String> paths;

	private final List<String> methodNames;

	private final RequestPathMatcher pathMatcher;

	private final String @Nullable [] methods;

	private final String keyDescription;

	private final ClientKeyResolver keyResolver;

	private final long capacity;

	private final long refillTokens;

	private final Duration refillPeriod;

	private final BucketConfiguration configuration;

	private final Supplier<CompletableFuture<BucketConfiguration>> asyncConfiguration;

	private final Duration timeToRefill;

	private final String policyHeader;

	private final String headerName;

	private final String rejectionDetail;

	private final byte[] redisKeyPrefix;

	final LongAdder allowed = new LongAdder();

	final LongAdder limited = new LongAdder();

	final LongAdder failOpen = new LongAdder();

	final LongAdder failClosed = new LongAdder();

	/**
	 * Requests of clients that shared the overflow bucket because the rule's table was full.
	 */
	final LongAdder overflow = new LongAdder();

	/**
	 * Requests answered 400 because their key was too long.
	 */
	final LongAdder invalidKey = new LongAdder();

	private final String invalidKeyDetail;

	RateLimitRule(String name, int order, List<String> paths, List<String> methods, String keyDescription,
			ClientKeyResolver keyResolver, long capacity, long refillTokens, Duration refillPeriod,
			String redisKeyPrefix) {
		this.name = name;
		this.order = order;
		this.paths = List.copyOf(paths);
		this.pathMatcher = RequestPathMatcher.of(paths);
		this.methodNames = methods.stream().map((method) -> method.trim().toUpperCase(Locale.ROOT)).toList();
		this.methods = this.methodNames.isEmpty() ? null : this.methodNames.toArray(String[]::new);
		this.keyDescription = keyDescription;
		this.keyResolver = keyResolver;
		this.capacity = capacity;
		this.refillTokens = refillTokens;
		this.refillPeriod = refillPeriod;
		this.configuration = BucketConfiguration.builder()
			.addLimit((limit) -> limit.capacity(capacity).refillGreedy(refillTokens, refillPeriod))
			.build();
		CompletableFuture<BucketConfiguration> completed = CompletableFuture.completedFuture(this.configuration);
		this.asyncConfiguration = () -> completed;
		this.timeToRefill = timeToRefill(capacity, refillTokens, refillPeriod);
		this.headerName = structuredString(name);
		this.policyHeader = this.headerName + ";q=" + capacity + ";w=" + ceilSeconds(this.timeToRefill.toNanos());
		this.rejectionDetail = "Rate limit '" + name + "' exceeded: at most " + capacity + " requests in a burst and "
				+ refillTokens + " per " + PropertyCheck.format(refillPeriod) + " for each client.";
		this.redisKeyPrefix = (redisKeyPrefix + name + ":").getBytes(StandardCharsets.UTF_8);
		this.invalidKeyDetail = "The client key of rate limit '" + name + "' (" + keyDescription
				+ ") is longer than " + ClientKeys.MAX_KEY_LENGTH + " characters.";
	}

	/**
	 * How long an empty bucket takes to fill up again: after that, a client's bucket is
	 * the same as a new one, so it can be forgotten.
	 */
	private static Duration timeToRefill(long capacity, long refillTokens, Duration refillPeriod) {
		double nanos = (double) refillPeriod.toNanos() * capacity / refillTokens;
		return Duration.ofNanos((long) Math.ceil(Math.min(nanos, Long.MAX_VALUE / 2.0)));
	}

	static long ceilSeconds(long nanos) {
		return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
	}

	/**
	 * The name as a structured-field string (RFC 8941): printable ASCII with {@code "} and
	 * {@code \} escaped.
	 */
	private static String structuredString(String name) {
		StringBuilder quoted = new StringBuilder(name.length() + 2).append('"');
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			if (c == '"' || c == '\\') {
				quoted.append('\\').append(c);
			}
			else {
				quoted.append((c >= 0x20 && c < 0x7f) ? c : '_');
			}
		}
		return quoted.append('"').toString();
	}

	boolean matches(HttpServletRequest request, String path) {
		if (this.methods != null && !matchesMethod(request.getMethod())) {
			return false;
		}
		return this.pathMatcher.matches(path);
	}

	private boolean matchesMethod(String method) {
		for (String candidate : this.methods) {
			if (candidate.equals(method)) {
				return true;
			}
		}
		return false;
	}

	@Nullable String resolveKey(HttpServletRequest request) {
		return this.keyResolver.resolve(request);
	}

	String name() {
		return this.name;
	}

	int order() {
		return this.order;
	}

	List<String> paths() {
		return this.paths;
	}

	List<String> methods() {
		return this.methodNames;
	}

	String keyDescription() {
		return this.keyDescription;
	}

	long capacity() {
		return this.capacity;
	}

	long refillTokens() {
		return this.refillTokens;
	}

	Duration refillPeriod() {
		return this.refillPeriod;
	}

	BucketConfiguration configuration() {
		return this.configuration;
	}

	Supplier<CompletableFuture<BucketConfiguration>> asyncConfiguration() {
		return this.asyncConfiguration;
	}

	Duration timeToRefill() {
		return this.timeToRefill;
	}

	/**
	 * The {@code detail} of the problem a rejected request is answered with.
	 */
	String rejectionDetail() {
		return this.rejectionDetail;
	}

	/**
	 * The {@code detail} of the problem a request with a too long key is answered with.
	 */
	String invalidKeyDetail() {
		return this.invalidKeyDetail;
	}

	/**
	 * The {@code RateLimit-Policy} value: the bucket's size as the quota and the time it
	 * takes to refill completely as the window.
	 */
	String policyHeader() {
		return this.policyHeader;
	}

	/**
	 * The {@code RateLimit} value for a client with the given remaining tokens and time
	 * until its bucket is full again.
	 */
	String rateLimitHeader(long remaining, long resetNanos) {
		return this.headerName + ";r=" + remaining + ";t=" + ceilSecondsOrZero(resetNanos);
	}

	/**
	 * The {@code RateLimit} value with the reset time in whole seconds.
	 */
	String rateLimitHeaderSeconds(long remaining, long resetSeconds) {
		return this.headerName + ";r=" + remaining + ";t=" + resetSeconds;
	}

	private static long ceilSecondsOrZero(long nanos) {
		return (nanos <= 0) ? 0 : ceilSeconds(nanos);
	}

	byte[] redisKey(String clientKey) {
		byte[] client = clientKey.getBytes(StandardCharsets.UTF_8);
		byte[] key = new byte[this.redisKeyPrefix.length + client.length];
		System.arraycopy(this.redisKeyPrefix, 0, key, 0, this.redisKeyPrefix.length);
		System.arraycopy(client, 0, key, this.redisKeyPrefix.length, client.length);
		return key;
	}

}
