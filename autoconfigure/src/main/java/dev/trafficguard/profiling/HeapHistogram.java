package dev.trafficguard.profiling;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import javax.management.JMException;
import javax.management.ObjectName;

import org.jspecify.annotations.Nullable;

/**
 * The classes with the most bytes on the heap, from the JVM's own class histogram (the
 * {@code GC.class_histogram} diagnostic command, as {@code jmap -histo} prints it), without
 * a heap dump. By default it counts every object, reachable or not, and forces no
 * collection; {@code live} first runs a full, stop-the-world collection to count only
 * reachable objects.
 */
final class HeapHistogram {

	private static final String DIAGNOSTIC_COMMAND = "com.sun.management:type=DiagnosticCommand";

	private HeapHistogram() {
	}

	/**
	 * Take the histogram now.
	 * @param top how many classes to list
	 * @param live whether to count only reachable objects, after a full collection
	 * @return the histogram
	 * @throws JMException if the JVM has no such command
	 */
	static Histogram take(int top, boolean live) throws JMException {
		String[] arguments = live ? new String[0] : new String[] { "-all" };
		Object output = ManagementFactory.getPlatformMBeanServer()
			.invoke(new ObjectName(DIAGNOSTIC_COMMAND), "gcClassHistogram", new Object[] { arguments },
					new String[] { String[].class.getName() });
		return parse(String.valueOf(output), top, live);
	}

	/**
	 * Parse the command's output: a header, then lines such as
	 * {@code    1:   1234   56789  [B (java.base@17)}, sorted by bytes, then a total.
	 */
	static Histogram parse(String output, int top, boolean live) {
		List<ClassBytes> classes = new ArrayList<>(Math.min(top, 1000));
		long instances = 0;
		long bytes = 0;
		for (String line : output.split("\n")) {
			String[] fields = line.trim().split("\\s+");
			if (fields.length >= 3 && fields[0].equals("Total")) {
				instances = parseLong(fields[1]);
				bytes = parseLong(fields[2]);
			}
			else if (fields.length >= 4 && fields[0].endsWith(":") && classes.size() < top) {
				String module = (fields.length >= 5) ? strip(fields[4]) : null;
				classes.add(new ClassBytes(fields[3], module, parseLong(fields[1]), parseLong(fields[2])));
			}
		}
		return new Histogram(live, instances, bytes, classes);
	}

	private static String strip(String module) {
		return module.replace("(", "").replace(")", "");
	}

	private static long parseLong(String value) {
		try {
			return Long.parseLong(value);
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	/**
	 * The answer.
	 *
	 * @param live whether only reachable objects were counted
	 * @param instances the objects on the heap
	 * @param bytes the bytes they take
	 * @param classes the classes with the most bytes, most first
	 */
	record Histogram(boolean live, long instances, long bytes, List<ClassBytes> classes) {

	}

	/**
	 * One class's objects.
	 *
	 * @param className the class, as the JVM names it ({@code [B} for byte arrays)
	 * @param module the module and its version, if any
	 * @param instances its objects
	 * @param bytes the bytes they take
	 */
	record ClassBytes(String className, @Nullable String module, long instances,
			long bytes) {

	}

}
