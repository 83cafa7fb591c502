package dev.trafficguard.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.trafficguard.actuate.TrafficGuardContributor;
import dev.trafficguard.properties.PropertyCheck;
import dev.trafficguard.properties.Setting;
import dev.trafficguard.properties.SettingSource;
import dev.trafficguard.properties.SettingSources;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.core5.pool.PoolStats;

/**
 * The {@code http-client} section of the {@code trafficguard} endpoint: the shared pool's
 * effective limits and timeouts with their sources, its connections in total and per
 * downstream host, and its calls: in flight (per host too), refused by the per-host limit,
 * and not sent because the request was invalid.
 */
final class HttpClientContributor implements TrafficGuardContributor {

	static final int MAX_HOSTS_SHOWN = 100;

	private static final String PREFIX = "traffic-guard.http-client.";

	private final SharedConnectionPool pool;

	private final SettingSources sources;

	HttpClientContributor(SharedConnectionPool pool, SettingSources sources) {
		this.pool = pool;
		this.sources = sources;
	}

	@Override
	public String name() {
		return "http-client";
	}

	@Override
	public String summary() {
		SharedConnectionPool.Settings settings = this.pool.getSettings();
		return "one shared pool of " + settings.maxTotal() + " connections, " + settings.maxPerRoute()
				+ " per host; connect-timeout " + PropertyCheck.format(settings.connectTimeout()) + ", lease-timeout "
				+ PropertyCheck.format(settings.leaseTimeout()) + ", response-timeout "
				+ PropertyCheck.format(settings.responseTimeout()) + ", idle-timeout "
				+ PropertyCheck.format(settings.idleTimeout()) + ", time-to-live "
				+ PropertyCheck.format(settings.timeToLive());
	}

	@Override
	public Object describe() {
		SharedConnectionPool.Settings settings = this.pool.getSettings();
		Map<String, Setting> effective = new LinkedHashMap<>();
		effective.put("max-total", this.sources.describe(PREFIX + "max-total", settings.maxTotal()));
		effective.put("max-per-route", this.sources.describe(PREFIX + "max-per-route", settings.maxPerRoute()));
		effective.put("max-calls-per-host", this.sources.describe(PREFIX + "max-calls-per-host",
				settings.maxCallsPerHost()));
		effective.put("connect-timeout", bootOrOwn("spring.http.clients.connect-timeout", "connect-timeout",
				PropertyCheck.format(settings.connectTimeout())));
		effective.put("lease-timeout",
				this.sources.describe(PREFIX + "lease-timeout", PropertyCheck.format(settings.leaseTimeout())));
		effective.put("response-timeout", bootOrOwn("spring.http.clients.read-timeout", "response-timeout",
				PropertyCheck.format(settings.responseTimeout())));
		effective.put("idle-timeout",
				this.sources.describe(PREFIX + "idle-timeout", PropertyCheck.format(settings.idleTimeout())));
		effective.put("time-to-live",
				this.sources.describe(PREFIX + "time-to-live", PropertyCheck.format(settings.timeToLive())));
		effective.put("validate-after-inactivity", this.sources.describe(PREFIX + "validate-after-inactivity",
				PropertyCheck.format(settings.validateAfterInactivity())));
		List<HostConnections> hosts = new ArrayList<>();
		for (HttpRoute route : this.pool.getConnectionManager().getRoutes()) {
			if (hosts.size() >= MAX_HOSTS_SHOWN) {
				break;
			}
			PoolStats stats = this.pool.getConnectionManager().getStats(route);
			hosts.add(new HostConnections(route.getTargetHost().toURI(), stats.getLeased(), stats.getPending(),
					stats.getAvailable(), stats.getMax()));
		}
		PoolStats total = this.pool.getTotalStats();
		HostBulkhead bulkhead = this.pool.getHostBulkhead();
		return new Section(effective, new Connections(total.getLeased(), total.getPending(), total.getAvailable(),
				total.getMax()), hosts,
				new Calls(bulkhead.getCallsInFlight(), bulkhead.callsInFlightByHost(MAX_HOSTS_SHOWN),
						bulkhead.getRejected(), this.pool.getUnsentRequests().getUnsent()));
	}

	private Setting bootOrOwn(String bootProperty, String ownProperty, Object value) {
		if (this.sources.sourceOf(bootProperty) == SettingSource.USER) {
			return new Setting(value, SettingSource.USER.label() + " (" + bootProperty + ")");
		}
		return this.sources.describe(PREFIX + ownProperty, value);
	}

	record Section(Map<String, Setting> settings, Connections connections, List<HostConnections> hosts,
			Calls calls) {

	}

	/**
	 * Calls through the shared pool.
	 *
	 * @param inFlight calls in flight, across every host
	 * @param inFlightByHost calls in flight per host (up to 100 hosts)
	 * @param bulkheadRejected calls refused because their host had max-calls-per-host calls
	 * in flight
	 * @param unsent calls that failed before their request left the process
	 */
	record Calls(int inFlight, Map<String, Integer> inFlightByHost, long bulkheadRejected, long unsent) {

	}

	record Connections(int leased, int pending, int available, int max) {

	}

	record HostConnections(String host, int leased, int pending, int available, int max) {

	}

}
