package dev.trafficguard.ratelimit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import dev.trafficguard.ratelimit.RateLimitProperties.KeyKind;
import dev.trafficguard.web.ClientAddressResolver;
import org.jspecify.annotations.Nullable;

/**
 * The rules in force, in the order they are asked, and the paths no rule limits.
 */
final class RateLimitRules {

	private final List<RateLimitRule> rules;

	private final List<String> excludedPaths;

	RateLimitRules(List<RateLimitRule> rules, List<String> excludedPaths) {
		this.rules = List.copyOf(rules);
		this.excludedPaths = List.copyOf(excludedPaths);
	}

	/**
	 * Build the rules in force from the properties.
	 * @param properties the properties
	 * @param actuatorBasePath the actuator's base path on the application's port, or
	 * {@code null} if it has none there
	 * @param applicationResolver the application's client key resolver, if any
	 * @param addresses the client address resolver
	 * @return the rules
	 */
	static RateLimitRules of(RateLimitProperties properties, @Nullable String actuatorBasePath,
			@Nullable ClientKeyResolver applicationResolver, ClientAddressResolver addresses) {
		List<RateLimitRule> rules = new ArrayList<>();
		List<String> excludedPaths = new ArrayList<>(properties.getExcludePaths());
		int ipv6PrefixLength = properties.getIpv6PrefixLength();
		if (actuatorBasePath != null) {
			RateLimitProperties.Actuator actuator = properties.getActuator();
			if (actuator.isEnabled()) {
				// Probes must never be turned away; every other endpoint is limited per address,
				// before any other rule, so that a flood of them cannot take the service down.
				excludedPaths.add(actuatorBasePath + "/health");
				excludedPaths.add(actuatorBasePath + "/health/**");
				rules.add(new RateLimitRule(RateLimitProperties.ACTUATOR_RULE, Integer.MIN_VALUE,
						List.of(actuatorBasePath, actuatorBasePath + "/**"), List.of(), KeyKind.IP,
						ClientKeys.forKey(KeyKind.IP, null, addresses, ipv6PrefixLength), actuator.getCapacity(),
						actuator.getRefillTokens(), actuator.getRefillPeriod(), properties.getRedisKeyPrefix()));
			}
			else {
				excludedPaths.add(actuatorBasePath);
				excludedPaths.add(actuatorBasePath + "/**");
			}
		}
		for (Map.Entry<String, RateLimitProperties.Rule> entry : properties.getRules().entrySet()) {
			String name = entry.getKey();
			RateLimitProperties.Rule rule = entry.getValue();
			if (!rule.isEnabled()) {
				continue;
			}
			int order = (rule.getOrder() != null) ? rule.getOrder()
					: RateLimitProperties.DEFAULT_RULE.equals(name) ? Integer.MAX_VALUE : 0;
			rules.add(new RateLimitRule(name, order, rule.getPaths(), rule.getMethods(),
					ClientKeys.describe(rule.getKey(), applicationResolver),
					ClientKeys.forKey(rule.getKey(), applicationResolver, addresses, ipv6PrefixLength), rule.getCapacity(),
					rule.getRefillTokens(), rule.getRefillPeriod(), properties.getRedisKeyPrefix()));
		}
		rules.sort(Comparator.comparingInt(RateLimitRule::order).thenComparing(RateLimitRule::name));
		return new RateLimitRules(rules, excludedPaths);
	}

	List<RateLimitRule> rules() {
		return this.rules;
	}

	List<String> excludedPaths() {
		return this.excludedPaths;
	}

}
