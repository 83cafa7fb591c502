package dev.trafficguard.targets;

/**
 * Where a target's observed value stands.
 */
public enum TargetState {

	/**
	 * At or under the goal.
	 */
	OK,

	/**
	 * Over the goal, at or under the warn level.
	 */
	ABOVE_GOAL,

	/**
	 * Over the warn level: the {@code trafficGuardTargets} health is {@code DEGRADED}.
	 */
	WARN,

	/**
	 * Nothing observed in the window yet (no request, no collection).
	 */
	NO_DATA;

	static TargetState of(double observed, double goal, double warn) {
		if (Double.isNaN(observed)) {
			return NO_DATA;
		}
		if (observed > warn) {
			return WARN;
		}
		return (observed > goal) ? ABOVE_GOAL : OK;
	}

}
