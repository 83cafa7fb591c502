package dev.trafficguard.profiling;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;
import org.jspecify.annotations.Nullable;

/**
 * The top frames of a recording, as pprof's {@code top} shows them: per method, its self
 * weight (events whose stack it tops) and its total weight (events whose stack holds it),
 * read from a JFR file. Events without a stack trace are left out.
 */
final class StackSummary {

	// Bounds the map against a recording of generated code; past it, new methods still
	// count in the totals but not as rows
	private static final int MAX_METHODS = 100_000;

	private final ProfileKind kind;

	private final Map<String, double[]> methods = new HashMap<>();

	private long events;

	private double total;

	private StackSummary(ProfileKind kind) {
		this.kind = kind;
	}

	/**
	 * Read a recording.
	 * @param file the JFR file
	 * @param kind the kind of profile it holds
	 * @return the summary
	 * @throws IOException if the file cannot be read
	 */
	static StackSummary read(Path file, ProfileKind kind) throws IOException {
		StackSummary summary = new StackSummary(kind);
		try (RecordingFile recording = new RecordingFile(file)) {
			while (recording.hasMoreEvents()) {
				summary.add(recording.readEvent());
			}
		}
		return summary;
	}

	private void add(RecordedEvent event) {
		RecordedStackTrace stackTrace = event.getStackTrace();
		if (stackTrace == null || stackTrace.getFrames().isEmpty()) {
			return;
		}
		double weight = this.kind.weight(event);
		if (weight <= 0) {
			return;
		}
		this.events++;
		this.total += weight;
		Set<String> seen = new HashSet<>();
		boolean top = true;
		for (RecordedFrame frame : stackTrace.getFrames()) {
			String name = name(frame);
			if (name != null && seen.add(name)) {
				double[] weights = this.methods.get(name);
				if (weights == null && this.methods.size() < MAX_METHODS) {
					weights = new double[2];
					this.methods.put(name, weights);
				}
				if (weights != null) {
					weights[0] += top ? weight : 0;
					weights[1] += weight;
				}
			}
			top = false;
		}
	}

	private static @Nullable String name(RecordedFrame frame) {
		RecordedMethod method = frame.getMethod();
		if (method == null) {
			return null;
		}
		return method.getType().getName() + "." + method.getName();
	}

	long events() {
		return this.events;
	}

	double total() {
		return this.total;
	}

	/**
	 * The methods with the most self weight.
	 * @param count how many
	 * @return the frames, heaviest first
	 */
	List<Frame> topSelf(int count) {
		return top(count, Comparator.comparingDouble(Frame::self).thenComparingDouble(Frame::total));
	}

	/**
	 * The methods with the most total weight.
	 * @param count how many
	 * @return the frames, heaviest first
	 */
	List<Frame> topTotal(int count) {
		return top(count, Comparator.comparingDouble(Frame::total).thenComparingDouble(Frame::self));
	}

	private List<Frame> top(int count, Comparator<Frame> order) {
		List<Frame> frames = new ArrayList<>(this.methods.size());
		this.methods.forEach((name, weights) -> frames.add(new Frame(name, round(weights[0]),
				percent(weights[0]), round(weights[1]), percent(weights[1]))));
		frames.sort(order.reversed().thenComparing(Frame::frame));
		return List.copyOf(frames.subList(0, Math.min(count, frames.size())));
	}

	private double percent(double weight) {
		return (this.total > 0) ? round(weight * 100 / this.total) : 0;
	}

	private static double round(double value) {
		return Math.round(value * 100) / 100.0;
	}

	/**
	 * One method's weights.
	 *
	 * @param frame the method, as {@code class.method}
	 * @param self the weight of events whose stack it tops
	 * @param selfPercent {@code self} in percent of the recording's total
	 * @param total the weight of events whose stack holds it
	 * @param totalPercent {@code total} in percent of the recording's total
	 */
	record Frame(String frame, double self, double selfPercent, double total, double totalPercent) {

	}

}
