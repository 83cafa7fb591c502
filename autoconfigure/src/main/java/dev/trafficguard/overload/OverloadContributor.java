package dev.trafficguard.overload;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import dev.trafficguard.actuate.TrafficGuardContributor;
import dev.trafficguard.properties.PropertyCheck;
import dev.trafficguard.properties.SettingSources;

/**
 * The {@code overload} section of the {@code trafficguard} endpoint: the limiter's settings
 * and where each comes from, the limit in force, the requests in flight, what was admitted
 * and shed by reason, the groups with their guaranteed slots, and the Tomcat limits.
 */
final class OverloadContributor implements TrafficGuardContributor {

	private static final String THREADS_MAX = "server.tomcat.threads.max";

	private final RequestLimiter limiter;

	private final OverloadProperties properties;

	private final OverloadSettings settings;

	private final SettingSources settingSources;

	private final QueueTimeCheck queueTime;

	OverloadContributor(RequestLimiter limiter, QueueTimeCheck queueTime, OverloadProperties properties,
			OverloadSettings settings, SettingSources settingSources) {
		this.limiter = limiter;
		this.queueTime = queueTime;
		this.properties = properties;
		this.settings = settings;
		this.settingSources = settingSources;
	}

	@Override
	public String name() {
		return "overload";
	}

	@Override
	public Object describe() {
		String prefix = OverloadProperties.PREFIX;
		Map<String, Object> section = new LinkedHashMap<>();
		int limit = this.limiter.getLimit();
		section.put("limit", limit);
		section.put("inFlight", this.limiter.getInFlight());
		section.put("shedding", this.limiter.isShedding());
		section.put("admitted", this.limiter.getAdmitted());
		Map<String, Long> shed = new LinkedHashMap<>();
		for (ShedReason reason : ShedReason.values()) {
			shed.put(reason.key(), this.limiter.getShed(reason));
		}
		section.put("shed", shed);
		section.put("queueTimeMeasured", this.settings.queueTimeMeasured().get());
		section.put("standingQueue", this.queueTime.isStanding());
		Map<String, Object> settings = new LinkedHashMap<>();
		settings.put("algorithm", this.settingSources.describe(prefix + ".algorithm",
				this.properties.getAlgorithm().name().toLowerCase(Locale.ROOT)));
		settings.put("minLimit", this.settingSources.describe(prefix + ".min-limit", this.settings.minLimit()));
		settings.put("maxLimit", this.settingSources.describe(prefix + ".max-limit", this.settings.maxLimit()));
		settings.put("initialLimit",
				this.settingSources.describe(prefix + ".initial-limit", this.settings.initialLimit()));
		settings.put("smoothing", this.settingSources.describe(prefix + ".smoothing", this.properties.getSmoothing()));
		settings.put("maxWait", this.settingSources.describe(prefix + ".max-wait",
				PropertyCheck.format(this.properties.getMaxWait())));
		settings.put("maxQueueTime", this.settingSources.describe(prefix + ".max-queue-time",
				PropertyCheck.format(this.properties.getMaxQueueTime())));
		settings.put("queueTimeTarget", this.settingSources.describe(prefix + ".queue-time-target",
				PropertyCheck.format(this.properties.getQueueTimeTarget())));
		settings.put("queueTimeInterval", this.settingSources.describe(prefix + ".queue-time-interval",
				PropertyCheck.format(this.properties.getQueueTimeInterval())));
		settings.put("retryAfter", this.settingSources.describe(prefix + ".retry-after",
				PropertyCheck.format(this.properties.getRetryAfter())));
		settings.put("excludedPaths", this.settings.excludedPaths());
		section.put("settings", settings);
		Map<String, Object> groups = new LinkedHashMap<>();
		this.limiter.shares().forEach((name, share) -> {
			Map<String, Object> group = new LinkedHashMap<>();
			group.put("share", share);
			group.put("guaranteedSlots", (int) Math.max(1, Math.ceil(limit * share)));
			OverloadProperties.Group configured = this.properties.getGroups().get(name);
			if (configured != null) {
				group.put("paths", configured.getPaths());
			}
			groups.put(name, group);
		});
		section.put("groups", groups);
		Map<String, Object> tomcat = new LinkedHashMap<>();
		for (String property : new String[] { OverloadPropertyDefaults.MAX_QUEUE_CAPACITY,
				OverloadPropertyDefaults.ACCEPT_COUNT, OverloadPropertyDefaults.MAX_CONNECTIONS,
				OverloadPropertyDefaults.CONNECTION_TIMEOUT, OverloadPropertyDefaults.KEEP_ALIVE_TIMEOUT,
				THREADS_MAX }) {
			String value = this.settings.environment().getProperty(property);
			tomcat.put(property, this.settingSources.describe(property, (value != null || !THREADS_MAX.equals(property)) ? value : "200"));
		}
		section.put("tomcat", tomcat);
		return section;
	}

}
