package dev.trafficguard.overload;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The path groups of the limiter, in the order they were declared: a request belongs to the
 * first group one of whose patterns matches its path, or to {@value #OTHER}.
 */
final class PathGroups {

	/**
	 * The name of the requests no group matches. They share what the groups leave.
	 */
	static final String OTHER = "other";

	private final String[] names;

	private final PathMatcher[] matchers;

	private final Map<String, Double> shares;

	PathGroups(Map<String, OverloadProperties.Group> groups) {
		List<String> names = new ArrayList<>();
		List<PathMatcher> matchers = new ArrayList<>();
		Map<String, Double> shares = new LinkedHashMap<>();
		double total = 0;
		for (Map.Entry<String, OverloadProperties.Group> entry : groups.entrySet()) {
			names.add(entry.getKey());
			matchers.add(new PathMatcher(entry.getValue().getPaths()));
			shares.put(entry.getKey(), entry.getValue().getShare());
			total += entry.getValue().getShare();
		}
		if (!names.isEmpty() && total < 1.0) {
			// Rounded, so that 1 - 0.7 guarantees 3 slots of 10, not 4
			shares.put(OTHER, Math.max(0.0, Math.round((1.0 - total) * 1e6) / 1e6));
		}
		this.names = names.toArray(String[]::new);
		this.matchers = matchers.toArray(PathMatcher[]::new);
		this.shares = shares;
	}

	boolean isEmpty() {
		return this.names.length == 0;
	}

	/**
	 * The group a path belongs to.
	 * @param path the request path
	 * @return the group's name, {@value #OTHER} if it has none
	 */
	String groupOf(String path) {
		for (int i = 0; i < this.names.length; i++) {
			if (this.matchers[i].matches(path)) {
				return this.names[i];
			}
		}
		return OTHER;
	}

	/**
	 * The share of the limit each group keeps, {@value #OTHER} included when the groups leave
	 * some.
	 * @return the shares by group name
	 */
	Map<String, Double> shares() {
		return this.shares;
	}

}
