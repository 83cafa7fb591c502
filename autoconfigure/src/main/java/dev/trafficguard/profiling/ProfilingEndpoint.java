package dev.trafficguard.profiling;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.management.JMException;
import javax.management.JMRuntimeException;

import dev.trafficguard.profiling.FlightRecorderProfiler.BusyException;
import dev.trafficguard.profiling.FlightRecorderProfiler.InProgress;
import dev.trafficguard.profiling.FlightRecorderProfiler.Profile;
import dev.trafficguard.web.Problem;
import dev.trafficguard.web.ProblemDetailWriter;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

/**
 * {@link WebEndpoint @WebEndpoint} for profiling on demand. Its access is {@code none} unless
 * {@code management.endpoint.profiling.access} grants it, and it is served only when exposed.
 * <ul>
 * <li>{@code GET /profiling}: the limits, the recording in progress and the latest profile;
 * <li>{@code POST /profiling} with {@code kind} ({@code cpu}, {@code allocation},
 * {@code lock} or {@code wall}), {@code seconds} and optionally {@code top}: records a
 * profile with JDK Flight Recorder for that long, then answers its top frames by self and
 * total weight; one at a time;
 * <li>{@code GET /profiling/recordings/{id}}: the latest profile's {@code .jfr} file;
 * <li>{@code GET /profiling/threads}: the live threads grouped by identical stack;
 * <li>{@code GET /profiling/heap}: the classes with the most bytes on the heap
 * ({@code live=true} to count reachable objects only, after a full collection).
 * </ul>
 * A bad parameter is answered 400, a second recording or histogram while one is in progress
 * 409, both as {@code application/problem+json}.
 */
@WebEndpoint(id = "profiling", defaultAccess = Access.NONE)
public class ProfilingEndpoint {

	private static final MediaType PROBLEM = MediaType.APPLICATION_PROBLEM_JSON;

	private final FlightRecorderProfiler profiler;

	private final ProfilingProperties properties;

	private final String path;

	private final AtomicBoolean histogramInProgress = new AtomicBoolean();

	private final ProblemDetailWriter problems = new ProblemDetailWriter();

	ProfilingEndpoint(FlightRecorderProfiler profiler, ProfilingProperties properties, String path) {
		this.profiler = profiler;
		this.properties = properties;
		this.path = path;
	}

	/**
	 * The limits, the recording in progress and the latest profile.
	 * @return the status
	 */
	@ReadOperation
	public Map<String, Object> status() {
		Map<String, Object> status = new LinkedHashMap<>();
		status.put("kinds", Arrays.stream(ProfileKind.values()).map(ProfileKind::id).toList());
		status.put("maxSeconds", this.properties.getMaxDuration().toSeconds());
		status.put("maxSize", this.properties.getMaxSize().toString());
		InProgress inProgress = this.profiler.inProgress();
		status.put("recording", inProgress);
		Profile latest = this.profiler.latest();
		status.put("latest", (latest != null) ? describe(latest, false) : null);
		return status;
	}

	/**
	 * Record a profile and answer its summary.
	 * @param kind {@code cpu}, {@code allocation}, {@code lock} or {@code wall}
	 * @param seconds how long to record, at least 1 and at most {@code max-duration}
	 * @param top how many frames to list
	 * @return the summary, or a problem
	 */
	@WriteOperation
	public WebEndpointResponse<Object> record(@Nullable String kind, @Nullable String seconds,
			@Nullable String top) {
		ProfileKind profileKind = (kind != null) ? ProfileKind.of(kind) : null;
		if (profileKind == null) {
			return problem(HttpStatus.BAD_REQUEST, "kind=" + shown(kind) + ": must be one of cpu, allocation, lock, wall");
		}
		long maxSeconds = this.properties.getMaxDuration().toSeconds();
		long duration = parse(seconds, 1, maxSeconds, -1);
		if (duration < 0) {
			return problem(HttpStatus.BAD_REQUEST,
					"seconds=" + shown(seconds) + ": must be a whole number between 1 and " + maxSeconds);
		}
		int frames = (int) parse(top, 1, ProfilingProperties.MAX_TOP, this.properties.getTop());
		if (frames < 0) {
			return problem(HttpStatus.BAD_REQUEST,
					"top=" + shown(top) + ": must be a whole number between 1 and " + ProfilingProperties.MAX_TOP);
		}
		try {
			Profile profile = this.profiler.record(profileKind, Duration.ofSeconds(duration), frames);
			return new WebEndpointResponse<>(describe(profile, true));
		}
		catch (BusyException ex) {
			return ex.isClosing() ? problem(HttpStatus.SERVICE_UNAVAILABLE, ex.getMessage())
					: problem(HttpStatus.CONFLICT, ex.getMessage() + ": try again when it is done");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return problem(HttpStatus.SERVICE_UNAVAILABLE, "Interrupted while recording");
		}
		catch (IOException ex) {
			return problem(HttpStatus.INTERNAL_SERVER_ERROR, "Could not write or read the recording: " + ex.getMessage());
		}
		catch (IllegalStateException ex) {
			// Flight Recorder disabled (-XX:-FlightRecorder) or not in this runtime image
			return problem(HttpStatus.SERVICE_UNAVAILABLE, "Flight Recorder is not available: " + ex.getMessage());
		}
	}

	/**
	 * The threads grouped by stack, or the heap histogram.
	 * @param view {@code threads} or {@code heap}
	 * @param top how many groups or classes to list
	 * @param live for the heap: whether to count reachable objects only, after a full
	 * collection
	 * @return the view, or a problem
	 */
	@ReadOperation
	public WebEndpointResponse<Object> view(@Selector String view, @Nullable String top, @Nullable String live) {
		int count = (int) parse(top, 1, ProfilingProperties.MAX_TOP, this.properties.getTop());
		if (count < 0) {
			return problem(HttpStatus.BAD_REQUEST,
					"top=" + shown(top) + ": must be a whole number between 1 and " + ProfilingProperties.MAX_TOP);
		}
		return switch (view) {
			case "threads" -> new WebEndpointResponse<>(ThreadStacks.take(count));
			case "heap" -> heap(count, live);
			default -> problem(HttpStatus.NOT_FOUND, "No view '" + shown(view) + "': threads or heap");
		};
	}

	private WebEndpointResponse<Object> heap(int top, @Nullable String live) {
		if (live != null && !live.equals("true") && !live.equals("false")) {
			return problem(HttpStatus.BAD_REQUEST, "live=" + shown(live) + ": must be true or false");
		}
		if (!this.histogramInProgress.compareAndSet(false, true)) {
			return problem(HttpStatus.CONFLICT, "A heap histogram is being taken: try again when it is done");
		}
		try {
			return new WebEndpointResponse<>(HeapHistogram.take(top, "true".equals(live)));
		}
		catch (JMException | JMRuntimeException ex) {
			return problem(HttpStatus.SERVICE_UNAVAILABLE, "This JVM has no class histogram: " + ex.getMessage());
		}
		finally {
			this.histogramInProgress.set(false);
		}
	}

	/**
	 * The latest profile's JFR file, for JDK Mission Control or {@code jfr print}.
	 * @param recordings {@code recordings}
	 * @param id the profile's id
	 * @return the file, or a problem
	 */
	@ReadOperation
	public WebEndpointResponse<Resource> download(@Selector String recordings, @Selector String id) {
		Profile latest = this.profiler.latest();
		if (!"recordings".equals(recordings) || latest == null || !latest.id().equals(id)) {
			byte[] json = problemJson(HttpStatus.NOT_FOUND,
					"No recording '" + shown(id) + "': only the latest profile is kept");
			return new WebEndpointResponse<>(new ByteArrayResource(json), HttpStatus.NOT_FOUND.value(), PROBLEM);
		}
		return new WebEndpointResponse<>(new FileSystemResource(latest.file()));
	}

	private Map<String, Object> describe(Profile profile, boolean frames) {
		Map<String, Object> description = new LinkedHashMap<>();
		description.put("id", profile.id());
		description.put("kind", profile.kind());
		description.put("started", profile.started());
		description.put("seconds", profile.seconds());
		description.put("unit", profile.unit());
		description.put("events", profile.events());
		description.put("total", profile.total());
		description.put("fileBytes", profile.fileBytes());
		description.put("download", this.path + "/recordings/" + profile.id());
		if (frames) {
			description.put("topSelf", profile.topSelf());
			description.put("topTotal", profile.topTotal());
		}
		return description;
	}

	// A parameter is echoed in a problem's detail, at most this long
	private static @Nullable String shown(@Nullable String value) {
		return (value != null && value.length() > 64) ? value.substring(0, 64) + "..." : value;
	}

	private static long parse(@Nullable String value, long min, long max, long absent) {
		if (value == null || value.isBlank()) {
			return absent;
		}
		try {
			long parsed = Long.parseLong(value.trim());
			return (parsed >= min && parsed <= max) ? parsed : -1;
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	private WebEndpointResponse<Object> problem(HttpStatus status, String detail) {
		return new WebEndpointResponse<>(problemJson(status, detail), status.value(), PROBLEM);
	}

	private byte[] problemJson(HttpStatus status, String detail) {
		return this.problems.toJson(Problem.of(status, detail), this.path).getBytes(StandardCharsets.UTF_8);
	}

}
