package dev.trafficguard.profiling;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The live platform threads grouped by identical state and stack, with a count per group, as
 * Go's goroutine profile shows them: the first thing to look at when threads pile up.
 */
final class ThreadStacks {

	/**
	 * Frames kept per stack.
	 */
	static final int MAX_DEPTH = 64;

	/**
	 * Thread names listed per group.
	 */
	static final int MAX_NAMES = 5;

	private ThreadStacks() {
	}

	/**
	 * Take the threads' stacks now.
	 * @param top how many groups to list, largest first
	 * @return the groups
	 */
	static Threads take(int top) {
		ThreadInfo[] threads = ManagementFactory.getThreadMXBean().dumpAllThreads(false, false, MAX_DEPTH);
		Map<List<String>, Group> groups = new LinkedHashMap<>();
		int count = 0;
		for (ThreadInfo thread : threads) {
			if (thread == null) {
				continue;
			}
			count++;
			List<String> stack = new ArrayList<>(thread.getStackTrace().length + 1);
			stack.add(thread.getThreadState().name());
			for (StackTraceElement frame : thread.getStackTrace()) {
				stack.add(frame.getClassName() + "." + frame.getMethodName()
						+ ((frame.getLineNumber() >= 0) ? ":" + frame.getLineNumber() : ""));
			}
			Group group = groups.computeIfAbsent(stack, (key) -> new Group(key.get(0), key.subList(1, key.size())));
			group.add(thread.getThreadName());
		}
		List<Group> largest = new ArrayList<>(groups.values());
		largest.sort(Comparator.comparingInt(Group::count).reversed());
		List<Map<String, Object>> listed = new ArrayList<>();
		for (Group group : largest.subList(0, Math.min(top, largest.size()))) {
			listed.add(group.describe());
		}
		return new Threads(count, groups.size(), listed);
	}

	/**
	 * The answer.
	 *
	 * @param threads the live platform threads
	 * @param groups the distinct stacks
	 * @param stacks the largest groups: count, state, some thread names, the stack
	 */
	record Threads(int threads, int groups, List<Map<String, Object>> stacks) {

	}

	private static final class Group {

		private final String state;

		private final List<String> frames;

		private final List<String> names = new ArrayList<>(MAX_NAMES);

		private int count;

		Group(String state, List<String> frames) {
			this.state = state;
			this.frames = frames;
		}

		void add(String name) {
			this.count++;
			if (this.names.size() < MAX_NAMES) {
				this.names.add(name);
			}
		}

		int count() {
			return this.count;
		}

		Map<String, Object> describe() {
			Map<String, Object> group = new LinkedHashMap<>();
			group.put("count", this.count);
			group.put("state", this.state);
			group.put("threads", this.names);
			group.put("stack", this.frames);
			return group;
		}

	}

}
