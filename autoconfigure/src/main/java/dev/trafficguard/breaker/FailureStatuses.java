package dev.trafficguard.breaker;

import java.util.List;

/**
 * Which response statuses count as failures, as a lookup table so the check on each call
 * costs one array read.
 */
final class FailureStatuses {

	private final boolean[] failures = new boolean[600];

	FailureStatuses(List<String> statuses) {
		for (String status : statuses) {
			String value = status.trim().toLowerCase();
			if (value.endsWith("xx")) {
				int first = (value.charAt(0) - '0') * 100;
				for (int code = first; code < first + 100; code++) {
					this.failures[code] = true;
				}
			}
			else {
				this.failures[Integer.parseInt(value)] = true;
			}
		}
	}

	boolean isFailure(int status) {
		return status >= 0 && status < this.failures.length && this.failures[status];
	}

	static boolean isValid(String status) {
		String value = status.trim().toLowerCase();
		if (value.length() != 3) {
			return false;
		}
		if (value.endsWith("xx")) {
			return value.charAt(0) >= '1' && value.charAt(0) <= '5';
		}
		for (int i = 0; i < 3; i++) {
			if (!Character.isDigit(value.charAt(i))) {
				return false;
			}
		}
		int code = Integer.parseInt(value);
		return code >= 100 && code <= 599;
	}

}
