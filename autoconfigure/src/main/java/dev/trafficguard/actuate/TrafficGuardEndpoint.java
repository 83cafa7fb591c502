package dev.trafficguard.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * {@link Endpoint @Endpoint} that shows every Traffic Guard feature: its effective settings,
 * where each comes from, and its live state.
 */
@Endpoint(id = "trafficguard")
public class TrafficGuardEndpoint {

	private final boolean enabled;

	private final List<TrafficGuardContributor> contributors;

	/**
	 * Create an endpoint.
	 * @param enabled whether Traffic Guard is enabled
	 * @param contributors the features' contributors, in order
	 */
	public TrafficGuardEndpoint(boolean enabled, List<TrafficGuardContributor> contributors) {
		this.enabled = enabled;
		this.contributors = List.copyOf(contributors);
	}

	/**
	 * Every feature's section.
	 * @return the report
	 */
	@ReadOperation
	public TrafficGuardReport report() {
		Map<String, Object> features = new LinkedHashMap<>();
		for (TrafficGuardContributor contributor : this.contributors) {
			features.put(contributor.name(), contributor.describe());
		}
		return new TrafficGuardReport(this.enabled, features);
	}

	/**
	 * One feature's section.
	 * @param name the section's name
	 * @return the section, or {@code null} (a 404) if there is none of that name
	 */
	@ReadOperation
	public @Nullable Object section(@Selector String name) {
		for (TrafficGuardContributor contributor : this.contributors) {
			if (contributor.name().equals(name)) {
				return contributor.describe();
			}
		}
		return null;
	}

	/**
	 * The endpoint's answer.
	 *
	 * @param enabled whether Traffic Guard is enabled
	 * @param features every feature's section, by name
	 */
	public record TrafficGuardReport(boolean enabled, Map<String, Object> features) {

	}

}
