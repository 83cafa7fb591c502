package dev.trafficguard.deadline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.trafficguard.properties.PropertyCheck;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.web.util.pattern.PathPatternParser;
import org.springframework.web.util.pattern.PatternParseException;

/**
 * Configuration properties for request deadlines.
 */
@ConfigurationProperties(DeadlineProperties.PREFIX)
public class DeadlineProperties implements InitializingBean {

	static final String PREFIX = "traffic-guard.deadline";

	static final Duration MIN_BUDGET = Duration.ofMillis(1);

	static final Duration MAX_BUDGET = Duration.ofHours(1);

	/**
	 * Whether every request gets a deadline that its tasks inherit and past which it is
	 * answered with 504.
	 */
	private boolean enabled = true;

	/**
	 * Budget of a request no rule matches (1ms to 1h).
	 */
	private Duration defaultBudget = Duration.ofSeconds(10);

	/**
	 * Budgets by path, by rule name. The first rule (in the order written) one of whose
	 * paths matches the request gives its budget.
	 */
	private Map<String, Rule> rules = new LinkedHashMap<>();

	private final Header header = new Header();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getDefaultBudget() {
		return this.defaultBudget;
	}

	public void setDefaultBudget(Duration defaultBudget) {
		this.defaultBudget = defaultBudget;
	}

	public Map<String, Rule> getRules() {
		return this.rules;
	}

	public void setRules(Map<String, Rule> rules) {
		this.rules = rules;
	}

	public Header getHeader() {
		return this.header;
	}

	@Override
	public void afterPropertiesSet() {
		PropertyCheck.between(PREFIX + ".default-budget", this.defaultBudget, MIN_BUDGET, MAX_BUDGET);
		this.rules.forEach((name, rule) -> rule.check(PREFIX + ".rules." + name));
		this.header.check(PREFIX + ".header");
	}

	/**
	 * A budget for the requests to some paths.
	 */
	public static class Rule {

		/**
		 * Paths the rule applies to, as Spring path patterns (/api/reports/**).
		 */
		private List<String> paths = new ArrayList<>();

		/**
		 * Budget of the requests to these paths (1ms to 1h).
		 */
		private Duration budget = Duration.ofSeconds(10);

		public List<String> getPaths() {
			return this.paths;
		}

		public void setPaths(List<String> paths) {
			this.paths = paths;
		}

		public Duration getBudget() {
			return this.budget;
		}

		public void setBudget(Duration budget) {
			this.budget = budget;
		}

		void check(String prefix) {
			PropertyCheck.between(prefix + ".budget", this.budget, MIN_BUDGET, MAX_BUDGET);
			PropertyCheck.check(!this.paths.isEmpty(), prefix + ".paths", "[]", "at least one path pattern");
			for (int i = 0; i < this.paths.size(); i++) {
				String pattern = this.paths.get(i);
				boolean valid;
				try {
					valid = pattern != null && pattern.trim().startsWith("/")
							&& PathPatternParser.defaultInstance.parse(pattern.trim()) != null;
				}
				catch (PatternParseException ex) {
					valid = false;
				}
				PropertyCheck.check(valid, prefix + ".paths[" + i + "]", pattern,
						"a Spring path pattern starting with / such as /api/**");
			}
		}

	}

	/**
	 * A budget sent by the caller in a request header.
	 */
	public static class Header {

		/**
		 * Whether a budget in the header is honoured. Only from a trusted proxy
		 * (traffic-guard.rate-limit.trusted-proxies), and never above the local rule's.
		 */
		private boolean enabled = false;

		/**
		 * Name of the header carrying the caller's remaining budget in whole milliseconds.
		 */
		private String name = "X-Request-Budget-Ms";

		/**
		 * Whether calls of the shared HTTP client send the time left of the request's budget
		 * downstream in the same header, so the next service stops when this one's caller
		 * does. Only to downstreams that trust this service.
		 */
		private boolean propagate = false;

		public boolean isPropagate() {
			return this.propagate;
		}

		public void setPropagate(boolean propagate) {
			this.propagate = propagate;
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getName() {
			return this.name;
		}

		public void setName(String name) {
			this.name = name;
		}

		void check(String prefix) {
			PropertyCheck.check(isToken(this.name), prefix + ".name", this.name, "a header name (letters, digits, -)");
		}

		private static boolean isToken(String name) {
			if (name == null || name.isEmpty() || name.length() > 64) {
				return false;
			}
			for (int i = 0; i < name.length(); i++) {
				char c = name.charAt(i);
				if (!(Character.isLetterOrDigit(c) && c < 128) && c != '-' && c != '_') {
					return false;
				}
			}
			return true;
		}

	}

}
