package dev.trafficguard.profiling;

import java.time.Duration;
import java.util.Locale;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import org.jspecify.annotations.Nullable;

/**
 * What a profile records, and how its events weigh in the summary.
 */
public enum ProfileKind {

	/**
	 * Where threads run Java code: JFR's execution samples every 10 ms, weighed one sample
	 * each.
	 */
	CPU("samples") {
		@Override
		void enable(Recording recording) {
			recording.enable(EXECUTION_SAMPLE).withPeriod(SAMPLE_PERIOD);
		}

		@Override
		double weight(RecordedEvent event) {
			return 1;
		}
	},

	/**
	 * Where memory is allocated: JFR's allocation samples (up to 1000 a second), weighed by
	 * the bytes each sample stands for.
	 */
	ALLOCATION("bytes") {
		@Override
		void enable(Recording recording) {
			recording.enable("jdk.ObjectAllocationSample").with("throttle", "1000/s").withStackTrace();
		}

		@Override
		double weight(RecordedEvent event) {
			return event.hasField("weight") ? event.getLong("weight") : 0;
		}
	},

	/**
	 * Where threads wait for a lock: contended {@code synchronized} blocks and parks
	 * ({@code java.util.concurrent} locks and conditions, idle pool threads included) of 1 ms
	 * or more, weighed by the time waited.
	 */
	LOCK("ms") {
		@Override
		void enable(Recording recording) {
			recording.enable("jdk.JavaMonitorEnter").withThreshold(BLOCKING_THRESHOLD).withStackTrace();
			recording.enable("jdk.ThreadPark").withThreshold(BLOCKING_THRESHOLD).withStackTrace();
		}
	},

	/**
	 * Where threads spend wall-clock time, running or not: execution and native-method
	 * samples every 10 ms (weighed 10 ms each), and parks, monitor waits and enters, sleeps
	 * and socket and file I/O of 1 ms or more, weighed by their duration.
	 */
	WALL("ms") {
		@Override
		void enable(Recording recording) {
			recording.enable(EXECUTION_SAMPLE).withPeriod(SAMPLE_PERIOD);
			recording.enable(NATIVE_METHOD_SAMPLE).withPeriod(SAMPLE_PERIOD);
			for (String event : new String[] { "jdk.ThreadPark", "jdk.JavaMonitorEnter", "jdk.JavaMonitorWait",
					"jdk.ThreadSleep", "jdk.SocketRead", "jdk.SocketWrite", "jdk.FileRead", "jdk.FileWrite" }) {
				recording.enable(event).withThreshold(BLOCKING_THRESHOLD).withStackTrace();
			}
		}

		@Override
		double weight(RecordedEvent event) {
			String type = event.getEventType().getName();
			if (EXECUTION_SAMPLE.equals(type) || NATIVE_METHOD_SAMPLE.equals(type)) {
				return SAMPLE_PERIOD.toMillis();
			}
			return super.weight(event);
		}
	};

	private static final String EXECUTION_SAMPLE = "jdk.ExecutionSample";

	private static final String NATIVE_METHOD_SAMPLE = "jdk.NativeMethodSample";

	static final Duration SAMPLE_PERIOD = Duration.ofMillis(10);

	static final Duration BLOCKING_THRESHOLD = Duration.ofMillis(1);

	private final String unit;

	ProfileKind(String unit) {
		this.unit = unit;
	}

	/**
	 * The unit of the summary's weights.
	 * @return {@code samples}, {@code bytes} or {@code ms}
	 */
	public String unit() {
		return this.unit;
	}

	/**
	 * The kind's name in requests and answers.
	 * @return the name, such as {@code cpu}
	 */
	public String id() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * Enable this kind's events on a recording.
	 * @param recording the recording, not yet started
	 */
	abstract void enable(Recording recording);

	/**
	 * How much an event weighs: by default its duration in milliseconds.
	 * @param event the event
	 * @return its weight in {@link #unit()}
	 */
	double weight(RecordedEvent event) {
		return event.getDuration().toNanos() / 1e6;
	}

	/**
	 * The kind of a name given in a request.
	 * @param id the name, such as {@code cpu}, in any case
	 * @return the kind, or {@code null} if there is none of that name
	 */
	static @Nullable ProfileKind of(String id) {
		for (ProfileKind kind : values()) {
			if (kind.id().equalsIgnoreCase(id.strip())) {
				return kind;
			}
		}
		return null;
	}

}
