package dev.trafficguard.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.trafficguard.properties.PropertyCheck;
import dev.trafficguard.web.CidrBlock;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.http.HttpMethod;
import org.springframework.util.unit.DataSize;
import org.springframework.web.util.pattern.PathPatternParser;
import org.springframework.web.util.pattern.PatternParseException;

/**
 * Configuration properties for per-client rate limiting.
 */
@ConfigurationProperties(RateLimitProperties.PREFIX)
public class RateLimitProperties implements InitializingBean {

	static final String PREFIX = "traffic-guard.rate-limit";

	/**
	 * The name of the rule that is on out of the box.
	 */
	public static final String DEFAULT_RULE = "default";

	/**
	 * The name of the rule for the actuator's endpoints (see {@link Actuator}).
	 */
	public static final String ACTUATOR_RULE = "actuator";

	/**
	 * Whether requests are rate limited per client.
	 */
	private boolean enabled = true;

	/**
	 * Where the buckets live: 'local' (in this instance's memory, each instance has its own
	 * limit) or 'redis' (in Redis, through spring.data.redis.*, so a fleet shares one limit).
	 */
	private Backend backend = Backend.LOCAL;

	/**
	 * Rules by name. A request is limited by the first matching rule in 'order'. The rule
	 * named 'default' (every path, per client IP, burst 200, 100 tokens a second) is on out
	 * of the box; set its 'enabled' to false to remove it.
	 */
	private Map<String, Rule> rules = new LinkedHashMap<>(Map.of(DEFAULT_RULE, new Rule()));

	/**
	 * The rule for the actuator's endpoints on the application's port.
	 */
	private final Actuator actuator = new Actuator();

	/**
	 * Paths no rule limits, as Spring path patterns. The actuator's health endpoint
	 * (/actuator/health/**) is always excluded.
	 */
	private List<String> excludePaths = new ArrayList<>();

	/**
	 * Proxies, as CIDR blocks (10.0.0.0/8, 2001:db8::/32), whose Forwarded and
	 * X-Forwarded-For headers are believed. Empty: the headers are ignored and the
	 * connection's address is the client's.
	 */
	private List<String> trustedProxies = new ArrayList<>();

	/**
	 * Most clients tracked by the local backend, per rule, whatever max-memory allows.
	 */
	private long maxClients = 1_000_000;

	/**
	 * Heap the local backend's buckets may take, over all rules, shared evenly by them; each
	 * rule tracks at most its share divided by the bytes a client costs. Clients beyond
	 * share one overflow bucket per rule. Defaults to 5% of the maximum heap.
	 */
	private @Nullable DataSize maxMemory;

	/**
	 * Length of the IPv6 prefix one client is taken to own: requests from addresses in one
	 * such network share a bucket (a host is usually given a whole /64). 128: every IPv6
	 * address on its own.
	 */
	private int ipv6PrefixLength = 64;

	/**
	 * Whether responses that are allowed carry the RateLimit and RateLimit-Policy headers
	 * too. Rejected responses always carry them.
	 */
	private boolean headersOnAllowed = true;

	/**
	 * Longest time a decision waits for Redis before it follows the failure mode.
	 */
	private Duration redisTimeout = Duration.ofMillis(50);

	/**
	 * What happens to a request when the Redis backend is slow or down: 'open' lets it
	 * through (and counts it), 'closed' answers 503.
	 */
	private FailureMode failureMode = FailureMode.OPEN;

	/**
	 * Prefix of the Redis keys of the buckets, followed by the rule name and the client key.
	 */
	private String redisKeyPrefix = "traffic-guard:rate-limit:";

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Backend getBackend() {
		return this.backend;
	}

	public void setBackend(Backend backend) {
		this.backend = backend;
	}

	public Map<String, Rule> getRules() {
		return this.rules;
	}

	public void setRules(Map<String, Rule> rules) {
		this.rules = rules;
	}

	public List<String> getExcludePaths() {
		return this.excludePaths;
	}

	public void setExcludePaths(List<String> excludePaths) {
		this.excludePaths = excludePaths;
	}

	public List<String> getTrustedProxies() {
		return this.trustedProxies;
	}

	public void setTrustedProxies(List<String> trustedProxies) {
		this.trustedProxies = trustedProxies;
	}

	public long getMaxClients() {
		return this.maxClients;
	}

	public void setMaxClients(long maxClients) {
		this.maxClients = maxClients;
	}

	public Actuator getActuator() {
		return this.actuator;
	}

	public @Nullable DataSize getMaxMemory() {
		return this.maxMemory;
	}

	public void setMaxMemory(@Nullable DataSize maxMemory) {
		this.maxMemory = maxMemory;
	}

	public int getIpv6PrefixLength() {
		return this.ipv6PrefixLength;
	}

	public void setIpv6PrefixLength(int ipv6PrefixLength) {
		this.ipv6PrefixLength = ipv6PrefixLength;
	}

	public boolean isHeadersOnAllowed() {
		return this.headersOnAllowed;
	}

	public void setHeadersOnAllowed(boolean headersOnAllowed) {
		this.headersOnAllowed = headersOnAllowed;
	}

	public Duration getRedisTimeout() {
		return this.redisTimeout;
	}

	public void setRedisTimeout(Duration redisTimeout) {
		this.redisTimeout = redisTimeout;
	}

	public FailureMode getFailureMode() {
		return this.failureMode;
	}

	public void setFailureMode(FailureMode failureMode) {
		this.failureMode = failureMode;
	}

	public String getRedisKeyPrefix() {
		return this.redisKeyPrefix;
	}

	public void setRedisKeyPrefix(String redisKeyPrefix) {
		this.redisKeyPrefix = redisKeyPrefix;
	}

	@Override
	public void afterPropertiesSet() {
		PropertyCheck.between(PREFIX + ".max-clients", this.maxClients, 1, 100_000_000);
		if (this.maxMemory != null) {
			long heap = Runtime.getRuntime().maxMemory();
			PropertyCheck.check(this.maxMemory.toBytes() >= 1024 && this.maxMemory.toBytes() <= heap / 2,
					PREFIX + ".max-memory", format(this.maxMemory.toBytes()), "between 1KB and half the maximum heap ("
							+ DataSize.ofBytes(heap / 2).toMegabytes() + "MB)");
		}
		PropertyCheck.between(PREFIX + ".ipv6-prefix-length", this.ipv6PrefixLength, 1, 128);
		PropertyCheck.check(!this.rules.containsKey(ACTUATOR_RULE), PREFIX + ".rules." + ACTUATOR_RULE,
				ACTUATOR_RULE, "another name: the actuator's rule is configured under " + PREFIX + ".actuator.*");
		this.actuator.check(PREFIX + ".actuator");
		PropertyCheck.between(PREFIX + ".redis-timeout", this.redisTimeout, Duration.ofMillis(1),
				Duration.ofSeconds(10));
		PropertyCheck.check(!this.redisKeyPrefix.isEmpty(), PREFIX + ".redis-key-prefix", this.redisKeyPrefix,
				"not empty");
		for (int i = 0; i < this.trustedProxies.size(); i++) {
			String proxy = this.trustedProxies.get(i);
			PropertyCheck.check(CidrBlock.tryParse(proxy) != null, PREFIX + ".trusted-proxies[" + i + "]", proxy,
					"a CIDR block such as 10.0.0.0/8 or 2001:db8::/32");
		}
		for (int i = 0; i < this.excludePaths.size(); i++) {
			checkPattern(PREFIX + ".exclude-paths[" + i + "]", this.excludePaths.get(i));
		}
		this.rules.forEach((name, rule) -> rule.check(PREFIX + ".rules." + name));
	}

	/**
	 * Format a size in bytes as a property value a user would write, such as {@code 12MB}
	 * (whole kilobytes, rounded down, when no larger unit divides it).
	 */
	static String format(long bytes) {
		long[] units = { 1L << 40, 1L << 30, 1L << 20, 1L << 10 };
		String[] names = { "TB", "GB", "MB", "KB" };
		for (int i = 0; i < units.length; i++) {
			if (bytes >= units[i] && bytes % units[i] == 0) {
				return (bytes / units[i]) + names[i];
			}
		}
		return (bytes >= 1024) ? (bytes / 1024) + "KB" : bytes + "B";
	}

	static void checkPattern(String property, @Nullable String pattern) {
		boolean valid;
		try {
			valid = pattern != null && pattern.startsWith("/") && PathPatternParser.defaultInstance.parse(pattern) != null;
		}
		catch (PatternParseException ex) {
			valid = false;
		}
		PropertyCheck.check(valid, property, pattern, "a Spring path pattern starting with / such as /api/**");
	}

	/**
	 * The built-in rule for the actuator's endpoints other than health, when they are served
	 * on the application's port: per client address, asked before every other rule.
	 */
	public static class Actuator {

		/**
		 * Whether the actuator's endpoints other than health are rate limited. When false,
		 * no path under the actuator's base path is.
		 */
		private boolean enabled = true;

		/**
		 * Most requests to the actuator a client may make in a burst.
		 */
		private long capacity = 20;

		/**
		 * Tokens added back every refill period.
		 */
		private long refillTokens = 20;

		/**
		 * Period over which refill-tokens are added back, smoothly.
		 */
		private Duration refillPeriod = Duration.ofSeconds(1);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public long getCapacity() {
			return this.capacity;
		}

		public void setCapacity(long capacity) {
			this.capacity = capacity;
		}

		public long getRefillTokens() {
			return this.refillTokens;
		}

		public void setRefillTokens(long refillTokens) {
			this.refillTokens = refillTokens;
		}

		public Duration getRefillPeriod() {
			return this.refillPeriod;
		}

		public void setRefillPeriod(Duration refillPeriod) {
			this.refillPeriod = refillPeriod;
		}

		void check(String prefix) {
			checkBucket(prefix, this.capacity, this.refillTokens, this.refillPeriod);
		}

	}

	static void checkBucket(String prefix, long capacity, long refillTokens, @Nullable Duration refillPeriod) {
		PropertyCheck.between(prefix + ".capacity", capacity, 1, 1_000_000_000);
		PropertyCheck.between(prefix + ".refill-tokens", refillTokens, 1, 1_000_000_000);
		PropertyCheck.between(prefix + ".refill-period", refillPeriod, Duration.ofMillis(1), Duration.ofDays(1));
		PropertyCheck.check(refillTokens <= refillPeriod.toNanos(), prefix + ".refill-tokens", refillTokens,
				"at most one token per nanosecond of refill-period (" + refillPeriod.toNanos() + " for "
						+ PropertyCheck.format(refillPeriod) + ")");
	}

	/**
	 * Where the buckets live.
	 */
	public enum Backend {

		/**
		 * In this instance's memory: each instance has its own limit.
		 */
		LOCAL,

		/**
		 * In Redis: every instance against the same Redis shares one limit.
		 */
		REDIS

	}

	/**
	 * What happens to a request when the Redis backend is slow or down.
	 */
	public enum FailureMode {

		/**
		 * Let the request through, and count it.
		 */
		OPEN,

		/**
		 * Answer 503 Service Unavailable.
		 */
		CLOSED

	}

	/**
	 * One rate-limit rule: which requests it matches, how their client is identified and
	 * the token bucket each client gets.
	 */
	public static class Rule {

		/**
		 * Whether the rule is in force.
		 */
		private boolean enabled = true;

		/**
		 * Paths the rule matches, as Spring path patterns.
		 */
		private List<String> paths = new ArrayList<>(List.of("/**"));

		/**
		 * HTTP methods the rule matches. Empty: every method.
		 */
		private List<String> methods = new ArrayList<>();

		/**
		 * How the client is identified: 'ip' (the client's address, see trusted-proxies),
		 * 'header:<Name>' (a request header's value, the address when it is missing) or
		 * 'principal' (the authenticated user, the address for anonymous requests).
		 * Defaults to the application's ClientKeyResolver bean if there is one, else 'ip'.
		 */
		private @Nullable String key;

		/**
		 * Most requests a client may make in a burst: the bucket's size.
		 */
		private long capacity = 200;

		/**
		 * Tokens added back to the bucket every refill period.
		 */
		private long refillTokens = 100;

		/**
		 * Period over which refill-tokens are added back, smoothly.
		 */
		private Duration refillPeriod = Duration.ofSeconds(1);

		/**
		 * Position among the rules: lower is asked first. Defaults to 0, and to last for the
		 * rule named 'default'.
		 */
		private @Nullable Integer order;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public List<String> getPaths() {
			return this.paths;
		}

		public void setPaths(List<String> paths) {
			this.paths = paths;
		}

		public List<String> getMethods() {
			return this.methods;
		}

		public void setMethods(List<String> methods) {
			this.methods = methods;
		}

		public @Nullable String getKey() {
			return this.key;
		}

		public void setKey(@Nullable String key) {
			this.key = key;
		}

		public long getCapacity() {
			return this.capacity;
		}

		public void setCapacity(long capacity) {
			this.capacity = capacity;
		}

		public long getRefillTokens() {
			return this.refillTokens;
		}

		public void setRefillTokens(long refillTokens) {
			this.refillTokens = refillTokens;
		}

		public Duration getRefillPeriod() {
			return this.refillPeriod;
		}

		public void setRefillPeriod(Duration refillPeriod) {
			this.refillPeriod = refillPeriod;
		}

		public @Nullable Integer getOrder() {
			return this.order;
		}

		public void setOrder(@Nullable Integer order) {
			this.order = order;
		}

		void check(String prefix) {
			checkBucket(prefix, this.capacity, this.refillTokens, this.refillPeriod);
			PropertyCheck.check(!this.paths.isEmpty(), prefix + ".paths", this.paths, "at least one path pattern");
			for (int i = 0; i < this.paths.size(); i++) {
				checkPattern(prefix + ".paths[" + i + "]", this.paths.get(i));
			}
			for (int i = 0; i < this.methods.size(); i++) {
				String method = this.methods.get(i);
				PropertyCheck.check(isMethod(method), prefix + ".methods[" + i + "]", method,
						"an HTTP method such as GET or POST");
			}
			PropertyCheck.check(this.key == null || KeyKind.isValid(this.key), prefix + ".key", this.key,
					"one of ip, header:<Name>, principal");
		}

		private static boolean isMethod(@Nullable String method) {
			if (method == null || method.isBlank()) {
				return false;
			}
			String upper = method.trim().toUpperCase(Locale.ROOT);
			for (HttpMethod known : HttpMethod.values()) {
				if (known.name().equals(upper)) {
					return true;
				}
			}
			return false;
		}

	}

	/**
	 * The kinds of client key a rule can name.
	 */
	static final class KeyKind {

		static final String IP = "ip";

		static final String PRINCIPAL = "principal";

		static final String HEADER_PREFIX = "header:";

		private KeyKind() {
		}

		static boolean isValid(String key) {
			String trimmed = key.trim();
			if (trimmed.equalsIgnoreCase(IP) || trimmed.equalsIgnoreCase(PRINCIPAL)) {
				return true;
			}
			if (trimmed.regionMatches(true, 0, HEADER_PREFIX, 0, HEADER_PREFIX.length())) {
				String name = trimmed.substring(HEADER_PREFIX.length()).trim();
				return !name.isEmpty() && name.chars().allMatch(KeyKind::isTokenChar);
			}
			return false;
		}

		private static boolean isTokenChar(int c) {
			return c > 0x20 && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
		}

	}

}
