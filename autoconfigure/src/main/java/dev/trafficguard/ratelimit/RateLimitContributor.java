package dev.trafficguard.ratelimit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.trafficguard.actuate.TrafficGuardContributor;
import dev.trafficguard.properties.PropertyCheck;
import dev.trafficguard.properties.SettingSources;
import dev.trafficguard.web.ClientAddressResolver;

/**
 * The {@code rate-limit} section of the {@code trafficguard} endpoint: the rules with their
 * effective limits and where each comes from, the backend and its state, the clients
 * tracked and the counts per rule.
 */
final class RateLimitContributor implements TrafficGuardContributor {

	private final RateLimitRules rules;

	private final RateLimitBackend backend;

	private final RateLimitProperties properties;

	private final ClientAddressResolver addresses;

	private final SettingSources settingSources;

	RateLimitContributor(RateLimitRules rules, RateLimitBackend backend, RateLimitProperties properties,
			ClientAddressResolver addresses, SettingSources settingSources) {
		this.rules = rules;
		this.backend = backend;
		this.properties = properties;
		this.addresses = addresses;
		this.settingSources = settingSources;
	}

	@Override
	public String name() {
		return "rate-limit";
	}

	@Override
	public String summary() {
		StringBuilder line = new StringBuilder("backend ").append(this.backend.name())
			.append(" (failure-mode ")
			.append(this.properties.getFailureMode().name().toLowerCase(java.util.Locale.ROOT))
			.append(')');
		for (RateLimitRule rule : this.rules.rules()) {
			line.append("; ").append(rule.name()).append(": burst ").append(rule.capacity()).append(", ")
				.append(rule.refillTokens()).append(" per ").append(PropertyCheck.format(rule.refillPeriod()))
				.append(" per ").append(rule.keyDescription()).append(" on ").append(rule.paths());
		}
		return line.toString();
	}

	@Override
	public Object describe() {
		Map<String, Object> section = new LinkedHashMap<>();
		String prefix = RateLimitProperties.PREFIX;
		section.put("backend", this.settingSources.describe(prefix + ".backend", this.backend.name()));
		section.put("backendState", this.backend.describe());
		section.put("trackedClients", this.backend.trackedClients());
		section.put("failureMode", this.settingSources.describe(prefix + ".failure-mode",
				this.properties.getFailureMode().name().toLowerCase(java.util.Locale.ROOT)));
		section.put("trustedProxies", this.settingSources.describe(prefix + ".trusted-proxies",
				this.addresses.getTrustedProxies().stream().map(Object::toString).toList()));
		section.put("forwardedHeader", this.settingSources.describe("traffic-guard.web.forwarded-header",
				this.addresses.getForwardedHeader().headerName()));
		section.put("forwardedHeadersResolvedByServer", this.addresses.isResolvedByServer());
		section.put("ipv6PrefixLength",
				this.settingSources.describe(prefix + ".ipv6-prefix-length", this.properties.getIpv6PrefixLength()));
		if (this.backend.trackedClients() >= 0) {
			section.put("maxMemory", this.settingSources.describe(prefix + ".max-memory",
					this.backend.describe().get("maxMemory")));
		}
		section.put("headersOnAllowed",
				this.settingSources.describe(prefix + ".headers-on-allowed", this.properties.isHeadersOnAllowed()));
		section.put("excludedPaths", this.rules.excludedPaths());
		List<Map<String, Object>> rules = new ArrayList<>();
		for (RateLimitRule rule : this.rules.rules()) {
			String rulePrefix = RateLimitProperties.ACTUATOR_RULE.equals(rule.name()) ? prefix + ".actuator"
					: prefix + ".rules." + rule.name();
			Map<String, Object> described = new LinkedHashMap<>();
			described.put("name", rule.name());
			described.put("order", rule.order());
			described.put("paths", this.settingSources.describe(rulePrefix + ".paths", rule.paths()));
			described.put("methods", this.settingSources.describe(rulePrefix + ".methods", rule.methods()));
			described.put("key", this.settingSources.describe(rulePrefix + ".key", rule.keyDescription()));
			described.put("capacity", this.settingSources.describe(rulePrefix + ".capacity", rule.capacity()));
			described.put("refillTokens",
					this.settingSources.describe(rulePrefix + ".refill-tokens", rule.refillTokens()));
			described.put("refillPeriod", this.settingSources.describe(rulePrefix + ".refill-period",
					PropertyCheck.format(rule.refillPeriod())));
			described.put("policy", rule.policyHeader());
			long tracked = this.backend.trackedClients(rule);
			if (tracked >= 0) {
				described.put("trackedClients", tracked);
				described.put("maxClients", this.backend.maxClients(rule));
			}
			Map<String, Long> counts = new LinkedHashMap<>();
			counts.put("allowed", rule.allowed.sum());
			counts.put("limited", rule.limited.sum());
			counts.put("failOpen", rule.failOpen.sum());
			counts.put("failClosed", rule.failClosed.sum());
			counts.put("invalidKey", rule.invalidKey.sum());
			counts.put("overflow", rule.overflow.sum());
			described.put("counts", counts);
			rules.add(described);
		}
		section.put("rules", rules);
		return section;
	}

}
