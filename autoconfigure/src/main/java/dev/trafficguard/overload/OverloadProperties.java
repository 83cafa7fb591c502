package dev.trafficguard.overload;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.trafficguard.properties.PropertyCheck;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.web.util.pattern.PathPatternParser;
import org.springframework.web.util.pattern.PatternParseException;

/**
 * Configuration properties for overload protection.
 */
@ConfigurationProperties(OverloadProperties.PREFIX)
public class OverloadProperties implements InitializingBean {

	static final String PREFIX = "traffic-guard.overload";

	/**
	 * The concurrency limit's upper bound when none is set: Spring Boot's default
	 * server.tomcat.threads.max.
	 */
	static final int DEFAULT_MAX_LIMIT = 200;

	static final int LARGEST_LIMIT = 100_000;

	/**
	 * Whether the service protects itself under overload: the adaptive concurrency limit,
	 * queue-time shedding and the Tomcat limits contributed as defaults.
	 */
	private boolean enabled = true;

	/**
	 * How the concurrency limit adapts: 'gradient' (follows the ratio of the long-term to the
	 * short-term latency), 'vegas' (TCP Vegas: estimates the queue from the no-load latency),
	 * 'aimd' (additive increase, multiplicative decrease on dropped or timed-out requests) or
	 * 'fixed' (max-limit, never adapts).
	 */
	private Algorithm algorithm = Algorithm.GRADIENT;

	/**
	 * Fewest requests admitted at once, however high latency climbs.
	 */
	private int minLimit = 20;

	/**
	 * Most requests admitted at once. Defaults to server.tomcat.threads.max (200 unless set),
	 * so on platform threads the limiter never admits more than the threads can serve, and on
	 * virtual threads, which have no thread bound, it is the bound.
	 */
	private @Nullable Integer maxLimit;

	/**
	 * The limit to start from. Defaults to max-limit: the limit only falls once latency shows
	 * overload, so a healthy service never sheds while it learns.
	 */
	private @Nullable Integer initialLimit;

	/**
	 * How much of each new estimate the gradient and vegas limits take (0 exclusive to 1): lower
	 * is steadier, higher follows latency faster. Not used by aimd and fixed.
	 */
	private double smoothing = 0.2;

	/**
	 * How long a request over the limit may wait for a slot before it is shed. 0 sheds at
	 * once, which frees the thread for the next request.
	 */
	private Duration maxWait = Duration.ZERO;

	/**
	 * Longest time a request may have waited in the server's queue for a worker thread
	 * before it reached the filter; one that waited longer is shed unread (its client has
	 * likely given up, and serving it late only delays every request behind it). 0 turns
	 * queue-time shedding off. Measured on Tomcat's platform-thread executor; virtual threads
	 * have no queue.
	 */
	private Duration maxQueueTime = Duration.ofMillis(500);

	/**
	 * Queue time that tells a standing queue: when every request of a queue-time-interval
	 * waited longer than this, requests that waited more than twice this are shed during the
	 * next interval (CoDel). 0 keeps only max-queue-time.
	 */
	private Duration queueTimeTarget = Duration.ofMillis(5);

	/**
	 * The window over which the shortest queue time is compared with queue-time-target.
	 */
	private Duration queueTimeInterval = Duration.ofMillis(100);

	/**
	 * The Retry-After sent with a shed request.
	 */
	private Duration retryAfter = Duration.ofSeconds(1);

	/**
	 * Paths that are never limited or shed, as Spring path patterns. The health probes
	 * (actuator base path + /health/**) always are.
	 */
	private List<String> excludePaths = new ArrayList<>();

	/**
	 * Path groups by name, each with a guaranteed share of the limit: under overload a group
	 * below its share is still admitted, so the important traffic is served first. Requests no
	 * group matches share what is left.
	 */
	private Map<String, Group> groups = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Algorithm getAlgorithm() {
		return this.algorithm;
	}

	public void setAlgorithm(Algorithm algorithm) {
		this.algorithm = algorithm;
	}

	public int getMinLimit() {
		return this.minLimit;
	}

	public void setMinLimit(int minLimit) {
		this.minLimit = minLimit;
	}

	public @Nullable Integer getMaxLimit() {
		return this.maxLimit;
	}

	public void setMaxLimit(@Nullable Integer maxLimit) {
		this.maxLimit = maxLimit;
	}

	public @Nullable Integer getInitialLimit() {
		return this.initialLimit;
	}

	public void setInitialLimit(@Nullable Integer initialLimit) {
		this.initialLimit = initialLimit;
	}

	public double getSmoothing() {
		return this.smoothing;
	}

	public void setSmoothing(double smoothing) {
		this.smoothing = smoothing;
	}

	public Duration getMaxWait() {
		return this.maxWait;
	}

	public void setMaxWait(Duration maxWait) {
		this.maxWait = maxWait;
	}

	public Duration getMaxQueueTime() {
		return this.maxQueueTime;
	}

	public void setMaxQueueTime(Duration maxQueueTime) {
		this.maxQueueTime = maxQueueTime;
	}

	public Duration getQueueTimeTarget() {
		return this.queueTimeTarget;
	}

	public void setQueueTimeTarget(Duration queueTimeTarget) {
		this.queueTimeTarget = queueTimeTarget;
	}

	public Duration getQueueTimeInterval() {
		return this.queueTimeInterval;
	}

	public void setQueueTimeInterval(Duration queueTimeInterval) {
		this.queueTimeInterval = queueTimeInterval;
	}

	public Duration getRetryAfter() {
		return this.retryAfter;
	}

	public void setRetryAfter(Duration retryAfter) {
		this.retryAfter = retryAfter;
	}

	public List<String> getExcludePaths() {
		return this.excludePaths;
	}

	public void setExcludePaths(List<String> excludePaths) {
		this.excludePaths = excludePaths;
	}

	public Map<String, Group> getGroups() {
		return this.groups;
	}

	public void setGroups(Map<String, Group> groups) {
		this.groups = groups;
	}

	@Override
	public void afterPropertiesSet() {
		PropertyCheck.between(PREFIX + ".min-limit", this.minLimit, 1, LARGEST_LIMIT);
		if (this.maxLimit != null) {
			PropertyCheck.between(PREFIX + ".max-limit", this.maxLimit, this.minLimit, LARGEST_LIMIT);
		}
		if (this.initialLimit != null) {
			int max = (this.maxLimit != null) ? this.maxLimit : LARGEST_LIMIT;
			PropertyCheck.between(PREFIX + ".initial-limit", this.initialLimit, this.minLimit, max);
		}
		PropertyCheck.check(this.smoothing > 0 && this.smoothing <= 1, PREFIX + ".smoothing", this.smoothing,
				"greater than 0 and at most 1");
		PropertyCheck.between(PREFIX + ".max-wait", this.maxWait, Duration.ZERO, Duration.ofSeconds(10));
		PropertyCheck.between(PREFIX + ".max-queue-time", this.maxQueueTime, Duration.ZERO, Duration.ofMinutes(1));
		PropertyCheck.between(PREFIX + ".queue-time-target", this.queueTimeTarget, Duration.ZERO,
				Duration.ofSeconds(10));
		if (!this.maxQueueTime.isZero()) {
			PropertyCheck.check(this.queueTimeTarget.multipliedBy(2).compareTo(this.maxQueueTime) <= 0,
					PREFIX + ".queue-time-target", PropertyCheck.format(this.queueTimeTarget),
					"at most half of max-queue-time (" + PropertyCheck.format(this.maxQueueTime) + ")");
		}
		PropertyCheck.between(PREFIX + ".queue-time-interval", this.queueTimeInterval, Duration.ofMillis(1),
				Duration.ofMinutes(1));
		PropertyCheck.between(PREFIX + ".retry-after", this.retryAfter, Duration.ofSeconds(1), Duration.ofHours(1));
		for (int i = 0; i < this.excludePaths.size(); i++) {
			checkPattern(PREFIX + ".exclude-paths[" + i + "]", this.excludePaths.get(i));
		}
		double total = 0;
		for (Map.Entry<String, Group> entry : this.groups.entrySet()) {
			String prefix = PREFIX + ".groups." + entry.getKey();
			Group group = entry.getValue();
			PropertyCheck.check(group.share > 0 && group.share <= 1, prefix + ".share", group.share,
					"greater than 0 and at most 1 (0.7 for 70%)");
			PropertyCheck.check(!group.paths.isEmpty(), prefix + ".paths", group.paths, "at least one path pattern");
			for (int i = 0; i < group.paths.size(); i++) {
				checkPattern(prefix + ".paths[" + i + "]", group.paths.get(i));
			}
			PropertyCheck.check(!PathGroups.OTHER.equals(entry.getKey()), prefix, entry.getKey(),
					"a group name other than '" + PathGroups.OTHER + "', which names the requests no group matches");
			total += group.share;
			PropertyCheck.check(total <= 1.0 + 1e-9, prefix + ".share", group.share,
					"such that the shares of all groups add up to at most 1");
		}
	}

	/**
	 * The upper bound of the limit in force.
	 * @param tomcatMaxThreads the value of server.tomcat.threads.max, if set
	 * @return the bound
	 */
	int determineMaxLimit(@Nullable Integer tomcatMaxThreads) {
		if (this.maxLimit != null) {
			return this.maxLimit;
		}
		int threads = (tomcatMaxThreads != null && tomcatMaxThreads > 0) ? tomcatMaxThreads : DEFAULT_MAX_LIMIT;
		return Math.min(LARGEST_LIMIT, Math.max(this.minLimit, threads));
	}

	private static void checkPattern(String property, @Nullable String pattern) {
		boolean valid;
		try {
			valid = pattern != null && pattern.startsWith("/")
					&& PathPatternParser.defaultInstance.parse(pattern) != null;
		}
		catch (PatternParseException ex) {
			valid = false;
		}
		PropertyCheck.check(valid, property, pattern, "a Spring path pattern starting with / such as /api/**");
	}

	/**
	 * How the concurrency limit adapts.
	 */
	public enum Algorithm {

		/**
		 * Netflix's Gradient2: follows the ratio of the long-term to the short-term latency.
		 */
		GRADIENT,

		/**
		 * TCP Vegas: estimates the queue from the no-load latency.
		 */
		VEGAS,

		/**
		 * Additive increase, multiplicative decrease on dropped or timed-out requests.
		 */
		AIMD,

		/**
		 * A fixed limit (max-limit) that never adapts.
		 */
		FIXED

	}

	/**
	 * A group of paths with a guaranteed share of the limit.
	 */
	public static class Group {

		/**
		 * Paths of the group, as Spring path patterns, such as /api/checkout/**.
		 */
		private List<String> paths = new ArrayList<>();

		/**
		 * Share of the limit the group keeps under overload, greater than 0 and at most 1 (0.7
		 * for 70%). The shares of all groups add up to at most 1.
		 */
		private double share;

		public List<String> getPaths() {
			return this.paths;
		}

		public void setPaths(List<String> paths) {
			this.paths = paths;
		}

		public double getShare() {
			return this.share;
		}

		public void setShare(double share) {
			this.share = share;
		}

	}

}
