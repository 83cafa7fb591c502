package dev.trafficguard.deadline;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the deadline feature counted: requests answered 504 by the part that ran out of time,
 * calls and statements refused at once because no time was left,
 * tasks dropped because their request's deadline passed before they started, and the
 * outcomes of the budget header. Plain adders, read by the meters and the endpoint, so the
 * request path never touches a registry.
 */
final class DeadlineCounters {

	/**
	 * The parts a deadline can run out in; any other part is counted as {@code other}.
	 */
	static final String[] PARTS = { "request", "task", "query", "connection", "http-client", "other" };

	private final LongAdder[] exceeded = new LongAdder[PARTS.length];

	private final LongAdder[] refused = new LongAdder[PARTS.length];

	final LongAdder tasksDropped = new LongAdder();

	final LongAdder headerHonoured = new LongAdder();

	final LongAdder headerUntrusted = new LongAdder();

	final LongAdder headerInvalid = new LongAdder();

	DeadlineCounters() {
		for (int i = 0; i < PARTS.length; i++) {
			this.exceeded[i] = new LongAdder();
			this.refused[i] = new LongAdder();
		}
	}

	void exceeded(String part) {
		this.exceeded[index(part)].increment();
	}

	LongAdder exceededCounter(String part) {
		return this.exceeded[index(part)];
	}

	void refused(String part) {
		this.refused[index(part)].increment();
	}

	LongAdder refusedCounter(String part) {
		return this.refused[index(part)];
	}

	private static int index(String part) {
		for (int i = 0; i < PARTS.length - 1; i++) {
			if (PARTS[i].equals(part)) {
				return i;
			}
		}
		return PARTS.length - 1;
	}

	Map<String, Object> describe() {
		Map<String, Long> exceeded = new LinkedHashMap<>();
		for (int i = 0; i < PARTS.length; i++) {
			exceeded.put(PARTS[i], this.exceeded[i].sum());
		}
		Map<String, Long> refused = new LinkedHashMap<>();
		for (int i = 0; i < PARTS.length; i++) {
			refused.put(PARTS[i], this.refused[i].sum());
		}
		Map<String, Long> header = new LinkedHashMap<>();
		header.put("honoured", this.headerHonoured.sum());
		header.put("untrusted", this.headerUntrusted.sum());
		header.put("invalid", this.headerInvalid.sum());
		Map<String, Object> counters = new LinkedHashMap<>();
		counters.put("exceeded", exceeded);
		counters.put("refused", refused);
		counters.put("tasksDropped", this.tasksDropped.sum());
		counters.put("header", header);
		return counters;
	}

}
