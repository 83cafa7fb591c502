package dev.trafficguard.ratelimit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

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
	 * @param excludedPaths the paths no rule limits
	 * @param applicationResolver the application's client key resolver, if any
	 * @param addresses the client address resolver
	 * @return the rules
	 */
	static RateLimitRules of(RateLimitProperties properties, List<String> excludedPaths,
			@Nullable ClientKeyResolver applicationResolver, ClientAddressResolver addresses) {
		List<RateLimitRule> rules = new ArrayList<>();
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
					ClientKeys.forKey(rule.getKey(), applicationResolver, addresses), rule.getCapacity(),
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
