package dev.trafficguard.shutdown;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.trafficguard.actuate.TrafficGuardContributor;
import dev.trafficguard.lifecycle.ShutdownTimeline;
import dev.trafficguard.properties.PropertyCheck;
import dev.trafficguard.properties.Setting;
import dev.trafficguard.properties.SettingSources;

import org.springframework.boot.cloud.CloudPlatform;
import org.springframework.core.env.Environment;

/**
 * The {@code shutdown} section: the settings in force and where each comes from, the
 * requests in flight, the step shutdown is at, and the timeline so far. It is readable
 * while the pre-stop delay runs, since the server still serves then.
 */
final class ShutdownContributor implements TrafficGuardContributor {

	private final PreStopDelay preStopDelay;

	private final RequestDrain requestDrain;

	private final InFlightRequestFilter requests;

	private final ShutdownTimeline timeline;

	private final Duration timeout;

	private final SettingSources settingSources;

	private final Environment environment;

	ShutdownContributor(PreStopDelay preStopDelay, RequestDrain requestDrain, InFlightRequestFilter requests,
			ShutdownTimeline timeline, Duration timeout, SettingSources settingSources, Environment environment) {
		this.preStopDelay = preStopDelay;
		this.requestDrain = requestDrain;
		this.requests = requests;
		this.timeline = timeline;
		this.timeout = timeout;
		this.settingSources = settingSources;
		this.environment = environment;
	}

	@Override
	public String name() {
		return "shutdown";
	}

	@Override
	public String summary() {
		return "pre-stop delay " + PropertyCheck.format(this.preStopDelay.getDelay()) + ", then in-flight requests get "
				+ PropertyCheck.format(this.timeout) + " (server.shutdown="
				+ this.environment.getProperty("server.shutdown", "immediate")
				+ "), then executors drain, the HTTP client pool closes and database pools drain, in that order";
	}

	@Override
	public Object describe() {
		List<ShutdownTimeline.Entry> entries = this.timeline.entries();
		Map<String, Object> section = new LinkedHashMap<>();
		section.put("settings", settings());
		CloudPlatform platform = CloudPlatform.getActive(this.environment);
		section.put("cloud-platform", (platform != null) ? platform.name().toLowerCase(Locale.ROOT) : "none");
		section.put("state", state(entries));
		Map<String, Object> requests = new LinkedHashMap<>();
		requests.put("in-flight", this.requests.inFlight());
		requests.put("completed", this.requests.completed());
		requests.put("drained", this.requestDrain.drained());
		requests.put("cut-off", this.requestDrain.cutOff());
		section.put("requests", requests);
		section.put("timeline", timeline(entries));
		return section;
	}

	private Map<String, Setting> settings() {
		Map<String, Setting> settings = new LinkedHashMap<>();
		settings.put("traffic-guard.shutdown.pre-stop-delay", this.settingSources
			.describe("traffic-guard.shutdown.pre-stop-delay", PropertyCheck.format(this.preStopDelay.getDelay())));
		settings.put("traffic-guard.shutdown.connection-close-notice",
				this.settingSources.describe("traffic-guard.shutdown.connection-close-notice",
						PropertyCheck.format(this.preStopDelay.getConnectionCloseNotice())));
		settings.put("traffic-guard.shutdown.timeout",
				this.settingSources.describe("traffic-guard.shutdown.timeout", PropertyCheck.format(this.timeout)));
		settings.put("server.shutdown", this.settingSources.describe("server.shutdown",
				this.environment.getProperty("server.shutdown", "graceful").toLowerCase(Locale.ROOT)));
		settings.put("spring.lifecycle.timeout-per-shutdown-phase",
				this.settingSources.describe("spring.lifecycle.timeout-per-shutdown-phase",
						this.environment.getProperty("spring.lifecycle.timeout-per-shutdown-phase", "30s")));
		return settings;
	}

	private String state(List<ShutdownTimeline.Entry> entries) {
		if (entries.isEmpty()) {
			return "running";
		}
		Set<String> open = new LinkedHashSet<>();
		for (ShutdownTimeline.Entry entry : entries) {
			if ("started".equals(entry.event())) {
				open.add(entry.phase());
			}
			else {
				open.remove(entry.phase());
			}
		}
		String current = "stopping";
		for (String phase : open) {
			current = phase;
		}
		return current;
	}

	private List<Map<String, Object>> timeline(List<ShutdownTimeline.Entry> entries) {
		List<Map<String, Object>> timeline = new ArrayList<>(entries.size());
		for (ShutdownTimeline.Entry entry : entries) {
			Map<String, Object> item = new LinkedHashMap<>();
			item.put("offset-ms", Duration.between(entries.get(0).at(), entry.at()).toMillis());
			item.put("phase", entry.phase());
			item.put("event", entry.event());
			item.put("at", entry.at().toString());
			if (!entry.counts().isEmpty()) {
				item.put("counts", entry.counts());
			}
			timeline.add(item);
		}
		return timeline;
	}

}
