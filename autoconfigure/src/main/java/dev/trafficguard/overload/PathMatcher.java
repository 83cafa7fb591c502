package dev.trafficguard.overload;

import java.util.List;

import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Matches a request path against Spring path patterns. The common shapes, {@code /**}, an
 * exact path and {@code /prefix/**}, are compared on the string as is, so they cost no
 * allocation; other patterns parse the path.
 */
final class PathMatcher {

	private static final int ANY = 0;

	private static final int EXACT = 1;

	private static final int PREFIX = 2;

	private static final int PATTERN = 3;

	private final int[] kinds;

	private final String[] literals;

	private final PathPattern[] patterns;

	PathMatcher(List<String> patterns) {
		int size = patterns.size();
		this.kinds = new int[size];
		this.literals = new String[size];
		this.patterns = new PathPattern[size];
		for (int i = 0; i < size; i++) {
			String pattern = patterns.get(i).trim();
			this.patterns[i] = PathPatternParser.defaultInstance.parse(pattern);
			this.literals[i] = pattern;
			if (pattern.equals("/**")) {
				this.kinds[i] = ANY;
			}
			else if (pattern.endsWith("/**") && isLiteral(pattern.substring(0, pattern.length() - 3))) {
				this.kinds[i] = PREFIX;
				this.literals[i] = pattern.substring(0, pattern.length() - 3);
			}
			else if (isLiteral(pattern)) {
				this.kinds[i] = EXACT;
			}
			else {
				this.kinds[i] = PATTERN;
			}
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

	boolean isEmpty() {
		return this.kinds.length == 0;
	}

	boolean matches(String path) {
		for (int i = 0; i < this.kinds.length; i++) {
			boolean matched = switch (this.kinds[i]) {
				case ANY -> true;
				case EXACT -> path.equals(this.literals[i]);
				case PREFIX -> {
					String prefix = this.literals[i];
					yield path.startsWith(prefix)
							&& (path.length() == prefix.length() || path.charAt(prefix.length()) == '/');
				}
				default -> this.patterns[i].matches(PathContainer.parsePath(path));
			};
			if (matched) {
				return true;
			}
		}
		return false;
	}

}
