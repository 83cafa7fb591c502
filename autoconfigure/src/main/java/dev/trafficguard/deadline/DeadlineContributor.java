package dev.trafficguard.deadline;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.trafficguard.actuate.TrafficGuardContributor;
import dev.trafficguard.properties.PropertyCheck;
import dev.trafficguard.properties.SettingSources;

/**
 * The {@code deadline} section of the {@code trafficguard} endpoint: the default budget, the
 * rules, the budget header and what was counted.
 */
final class DeadlineContributor implements TrafficGuardContributor {

	private final DeadlineProperties properties;

	private final DeadlineRules rules;

	private final DeadlineCounters counters;

	private final SettingSources settingSources;

	private final boolean headerTrustable;

	DeadlineContributor(DeadlineProperties properties, DeadlineRules rules, DeadlineCounters counters,
			SettingSources settingSources, boolean headerTrustable) {
		this.properties = properties;
		this.rules = rules;
		this.counters = counters;
		this.settingSources = settingSources;
		this.headerTrustable = headerTrustable;
	}

	@Override
	public String name() {
		return "deadline";
	}

	@Override
	public Object describe() {
		String prefix = DeadlineProperties.PREFIX;
		Map<String, Object> section = new LinkedHashMap<>();
		section.put("defaultBudget", this.settingSources.describe(prefix + ".default-budget",
				PropertyCheck.format(this.properties.getDefaultBudget())));
		section.put("rules", this.rules.views());
		Map<String, Object> header = new LinkedHashMap<>();
		header.put("enabled", this.settingSources.describe(prefix + ".header.enabled",
				this.properties.getHeader().isEnabled()));
		header.put("name", this.settingSources.describe(prefix + ".header.name", this.properties.getHeader().getName()));
		header.put("trustedProxiesKnown", this.headerTrustable);
		section.put("header", header);
		section.put("counters", this.counters.describe());
		return section;
	}

}
