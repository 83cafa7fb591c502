package dev.trafficguard.datasource;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.trafficguard.actuate.TrafficGuardContributor;
import dev.trafficguard.datasource.HikariPoolTuner.PoolTuning;
import dev.trafficguard.properties.PropertyCheck;
import dev.trafficguard.properties.Setting;
import dev.trafficguard.properties.SettingSource;
import dev.trafficguard.properties.SettingSources;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;

/**
 * The {@code datasource} section of the {@code trafficguard} endpoint: per pool, the
 * effective settings read from the live pool with where each came from, its active, idle
 * and pending connections, and the connection-limit check; and the requests answered 503
 * because no connection became available or because their connection was lost, by cause.
 */
final class DataSourceContributor implements TrafficGuardContributor {

	private final TrafficGuardDataSourceProperties properties;

	private final SettingSources settingSources;

	private final HikariPools pools;

	private final ObjectProvider<HikariPoolTuner> tuner;

	private final ObjectProvider<ConnectionLimitCheck> check;

	private final ObjectProvider<PoolSaturationProblemMapper> saturation;

	private final ObjectProvider<ConnectionLostProblemMapper> connectionLost;

	DataSourceContributor(TrafficGuardDataSourceProperties properties, SettingSources settingSources,
			HikariPools pools, ObjectProvider<HikariPoolTuner> tuner, ObjectProvider<ConnectionLimitCheck> check,
			ObjectProvider<PoolSaturationProblemMapper> saturation,
			ObjectProvider<ConnectionLostProblemMapper> connectionLost) {
		this.properties = properties;
		this.settingSources = settingSources;
		this.pools = pools;
		this.tuner = tuner;
		this.check = check;
		this.saturation = saturation;
		this.connectionLost = connectionLost;
	}

	@Override
	public String name() {
		return "datasource";
	}

	@Override
	public @Nullable String summary() {
		StringBuilder line = new StringBuilder();
		this.pools.find().forEach((name, pool) -> line.append(line.isEmpty() ? "" : "; ").append(name)
			.append(" maximum-pool-size ").append(pool.getMaximumPoolSize())
			.append(", minimum-idle ").append(pool.getMinimumIdle())
			.append(", connection-timeout ").append(PropertyCheck.format(Duration.ofMillis(pool.getConnectionTimeout())))
			.append(", max-lifetime ").append(PropertyCheck.format(Duration.ofMillis(pool.getMaxLifetime())))
			.append(", leak-detection-threshold ")
			.append(PropertyCheck.format(Duration.ofMillis(pool.getLeakDetectionThreshold()))));
		return line.isEmpty() ? null : line.toString();
	}

	@Override
	public Object describe() {
		Map<String, Object> section = new LinkedHashMap<>();
		Map<String, Setting> settings = new LinkedHashMap<>();
		settings.put("expected-instances", own("expected-instances", this.properties.getExpectedInstances()));
		settings.put("database-cores", own("database-cores", this.properties.getDatabaseCores()));
		settings.put("oversubscription",
				own("oversubscription", this.properties.getOversubscription().name().toLowerCase(Locale.ROOT)));
		settings.put("saturation.retry-after",
				own("saturation.retry-after", PropertyCheck.format(this.properties.getSaturation().getRetryAfter())));
		settings.put("connection-lost.retry-after", own("connection-lost.retry-after",
				PropertyCheck.format(this.properties.getConnectionLost().getRetryAfter())));
		section.put("settings", settings);
		PoolSaturationProblemMapper mapper = this.saturation.getIfAvailable();
		if (mapper != null) {
			section.put("rejected", mapper.rejected());
		}
		ConnectionLostProblemMapper lost = this.connectionLost.getIfAvailable();
		if (lost != null) {
			Map<String, Long> answered = new LinkedHashMap<>();
			for (LostConnection cause : LostConnection.values()) {
				answered.put(cause.tag(), lost.answered(cause));
			}
			section.put("connections-lost", answered);
		}
		Map<String, Object> pools = new LinkedHashMap<>();
		this.pools.find().forEach((name, pool) -> pools.put(name, describe(name, pool)));
		section.put("pools", pools);
		return section;
	}

	private Setting own(String property, Object value) {
		return this.settingSources.describe(TrafficGuardDataSourceProperties.PREFIX + "." + property, value);
	}

	private Map<String, Object> describe(String name, HikariDataSource pool) {
		Map<String, Object> description = new LinkedHashMap<>();
		description.put("pool-name", pool.getPoolName());
		HikariPoolTuner tuner = this.tuner.getIfAvailable();
		PoolTuning tuning = (tuner != null) ? tuner.tuningOf(name) : null;
		description.put("tuned", tuning != null && tuning.tuned());
		if (tuning != null && tuning.prefix() != null) {
			description.put("prefix", tuning.prefix());
		}
		Map<String, Setting> settings = new LinkedHashMap<>();
		for (HikariSetting setting : HikariSetting.values()) {
			settings.put(setting.property(), Setting.of(setting.get(pool), sourceOf(setting, pool, tuning)));
		}
		description.put("settings", settings);
		description.put("connections", connections(pool));
		ConnectionLimitCheck check = this.check.getIfAvailable();
		ConnectionLimit limit = (check != null) ? check.resultOf(name) : null;
		if (limit != null) {
			description.put("connection-limit", limit.toMap());
		}
		return description;
	}

	private static SettingSource sourceOf(HikariSetting setting, HikariDataSource pool, @Nullable PoolTuning tuning) {
		SettingSource source = (tuning != null) ? tuning.sources().get(setting) : null;
		if (source != null) {
			return source;
		}
		return (setting.get(pool) != setting.hikariDefault()) ? SettingSource.USER : SettingSource.LIBRARY_DEFAULT;
	}

	private static Map<String, Object> connections(HikariDataSource pool) {
		Map<String, Object> connections = new LinkedHashMap<>();
		HikariPoolMXBean state = pool.isClosed() ? null : pool.getHikariPoolMXBean();
		connections.put("state", pool.isClosed() ? "closed" : (state != null) ? "running" : "not-started");
		if (state != null) {
			connections.put("active", state.getActiveConnections());
			connections.put("idle", state.getIdleConnections());
			connections.put("pending", state.getThreadsAwaitingConnection());
			connections.put("total", state.getTotalConnections());
		}
		return connections;
	}

}
