package dev.trafficguard.deadline;

import java.util.ArrayList;
import java.util.List;

import dev.trafficguard.properties.PropertyCheck;

import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The budget for a request path: the first rule with a matching path, or the default. The
 * common pattern shapes ({@code /**}, an exact path, {@code /prefix/**}) are matched on the
 * string, so they cost no allocation; other patterns parse the path.
 */
final class DeadlineRules {

	private final long defaultBudgetNanos;

	private final Entry[] entries;

	private final List<RuleView> views;

	private DeadlineRules(long defaultBudgetNanos, Entry[] entries, List<RuleView> views) {
		this.defaultBudgetNanos = defaultBudgetNanos;
		this.entries = entries;
		this.views = views;
	}

	static DeadlineRules of(DeadlineProperties properties) {
		List<Entry> entries = new ArrayList<>();
		List<RuleView> views = new ArrayList<>();
		properties.getRules().forEach((name, rule) -> {
			for (String path : rule.getPaths()) {
				entries.add(new Entry(path.trim(), rule.getBudget().toNanos()));
			}
			views.add(new RuleView(name, List.copyOf(rule.getPaths()), PropertyCheck.format(rule.getBudget())));
		});
		return new DeadlineRules(properties.getDefaultBudget().toNanos(), entries.toArray(new Entry[0]),
				List.copyOf(views));
	}

	/**
	 * The budget of a request to the given path.
	 * @param path the request path within the application
	 * @return the budget in nanoseconds
	 */
	long budgetNanos(String path) {
		for (Entry entry : this.entries) {
			if (entry.matches(path)) {
				return entry.budgetNanos;
			}
		}
		return this.defaultBudgetNanos;
	}

	List<RuleView> views() {
		return this.views;
	}

	record RuleView(String name, List<String> paths, String budget) {
	}

	private static final class Entry {

		private static final int ANY = 0;

		private static final int EXACT = 1;

		private static final int PREFIX = 2;

		private static final int PATTERN = 3;

		private final int kind;

		private final String literal;

		private final PathPattern pattern;

		private final long budgetNanos;

		Entry(String pattern, long budgetNanos) {
			this.pattern = PathPatternParser.defaultInstance.parse(pattern);
			this.budgetNanos = budgetNanos;
			if (pattern.equals("/**")) {
				this.kind = ANY;
				this.literal = pattern;
			}
			else if (pattern.endsWith("/**") && isLiteral(pattern.substring(0, pattern.length() - 3))) {
				this.kind = PREFIX;
				this.literal = pattern.substring(0, pattern.length() - 3);
			}
			else if (isLiteral(pattern)) {
				this.kind = EXACT;
				this.literal = pattern;
			}
			else {
				this.kind = PATTERN;
				this.literal = pattern;
			}
		}

		private static boolean isLiteral(String pattern) {
			for (int i = 0; i < pattern.length(); i++) {
				char c = pattern.charAt(i);
				if (c == '*' || c == '?' || c == '{' || c == '}') {
					return false;
				}
			}
			return true;
		}

		boolean matches(String path) {
			return switch (this.kind) {
				case ANY -> true;
				case EXACT -> path.equals(this.literal);
				case PREFIX -> path.startsWith(this.literal)
						&& (path.length() == this.literal.length() || path.charAt(this.literal.length()) == '/');
				default -> this.pattern.matches(PathContainer.parsePath(path));
			};
		}

	}

}
