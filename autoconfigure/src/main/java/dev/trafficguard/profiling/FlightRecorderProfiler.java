package dev.trafficguard.profiling;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import jdk.jfr.Recording;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Records profiles with JDK Flight Recorder, one at a time. A recording is kept on disk
 * under a size cap in a directory of its own; once it is summarized, only the latest file
 * is kept, for download, and every file and the directory are removed on {@link #close()}.
 * A recording in progress at close is stopped and its caller answered at once.
 */
final class FlightRecorderProfiler implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(FlightRecorderProfiler.class);

	private final long maxSizeBytes;

	private final AtomicBoolean busy = new AtomicBoolean();

	private final AtomicLong ids = new AtomicLong();

	private final CountDownLatch closing = new CountDownLatch(1);

	private @Nullable Path directory;

	private volatile @Nullable InProgress inProgress;

	private volatile @Nullable Profile latest;

	private volatile boolean closed;

	FlightRecorderProfiler(long maxSizeBytes) {
		this.maxSizeBytes = maxSizeBytes;
	}

	/**
	 * Record a profile and summarize it. The calling thread waits for the recording.
	 * @param kind what to record
	 * @param duration how long
	 * @param top how many frames the summary lists
	 * @return the profile
	 * @throws BusyException if a recording is in progress
	 * @throws IOException if the recording cannot be written or read
	 * @throws InterruptedException if the calling thread is interrupted
	 */
	Profile record(ProfileKind kind, Duration duration, int top)
			throws BusyException, IOException, InterruptedException {
		if (this.closed || !this.busy.compareAndSet(false, true)) {
			throw new BusyException(this.closed);
		}
		String id = Long.toString(this.ids.incrementAndGet());
		Path file = null;
		try (Recording recording = new Recording()) {
			recording.setName("traffic-guard-profile-" + id);
			recording.setToDisk(true);
			recording.setMaxSize(this.maxSizeBytes);
			kind.enable(recording);
			Instant started = Instant.now();
			this.inProgress = new InProgress(id, kind.id(), started, duration.toSeconds());
			recording.start();
			if (this.closing.await(duration.toNanos(), TimeUnit.NANOSECONDS)) {
				throw new BusyException(true);
			}
			recording.stop();
			file = directory().resolve("profile-" + id + "-" + kind.id() + ".jfr");
			recording.dump(file);
			StackSummary summary = StackSummary.read(file, kind);
			Profile profile = new Profile(id, kind.id(), started, duration.toSeconds(), kind.unit(),
					summary.events(), Math.round(summary.total() * 100) / 100.0, Files.size(file),
					summary.topSelf(top), summary.topTotal(top), file);
			replaceLatest(profile);
			file = null;
			return profile;
		}
		finally {
			this.inProgress = null;
			if (file != null) {
				Files.deleteIfExists(file);
			}
			this.busy.set(false);
			if (this.closed) {
				deleteAll();
			}
		}
	}

	private synchronized Path directory() throws IOException {
		if (this.directory == null) {
			this.directory = Files.createTempDirectory("traffic-guard-profiling-");
		}
		return this.directory;
	}

	private synchronized void replaceLatest(Profile profile) {
		Profile previous = this.latest;
		this.latest = profile;
		if (previous != null) {
			delete(previous.file());
		}
	}

	/**
	 * The recording in progress.
	 * @return it, or {@code null} if there is none
	 */
	@Nullable InProgress inProgress() {
		return this.inProgress;
	}

	/**
	 * The latest profile, whose file can be downloaded.
	 * @return it, or {@code null} if there is none
	 */
	@Nullable Profile latest() {
		return this.latest;
	}

	@Override
	public void close() {
		this.closed = true;
		this.closing.countDown();
		if (!this.busy.get()) {
			deleteAll();
		}
		// Otherwise the recording thread deletes everything as it leaves
	}

	private synchronized void deleteAll() {
		Profile latest = this.latest;
		this.latest = null;
		if (latest != null) {
			delete(latest.file());
		}
		if (this.directory != null) {
			try (var files = Files.list(this.directory)) {
				files.forEach(FlightRecorderProfiler::delete);
			}
			catch (IOException | UncheckedIOException ex) {
				logger.debug("Could not list " + this.directory, ex);
			}
			delete(this.directory);
			this.directory = null;
		}
	}

	private static void delete(Path path) {
		try {
			Files.deleteIfExists(path);
		}
		catch (IOException ex) {
			logger.debug("Could not delete " + path, ex);
		}
	}

	/**
	 * A recording in progress.
	 *
	 * @param id its id
	 * @param kind its kind
	 * @param started when it started
	 * @param seconds how long it records
	 */
	record InProgress(String id, String kind, Instant started, long seconds) {

	}

	/**
	 * A recorded profile.
	 *
	 * @param id its id, for download
	 * @param kind its kind
	 * @param started when it started
	 * @param seconds how long it recorded
	 * @param unit the unit of the weights
	 * @param events the events with a stack trace
	 * @param total their total weight
	 * @param fileBytes the size of the JFR file
	 * @param topSelf the methods with the most self weight
	 * @param topTotal the methods with the most total weight
	 * @param file the JFR file
	 */
	record Profile(String id, String kind, Instant started, long seconds, String unit, long events, double total,
			long fileBytes, List<StackSummary.Frame> topSelf, List<StackSummary.Frame> topTotal, Path file) {

	}

	/**
	 * A recording could not start: another is in progress, or the application is shutting
	 * down.
	 */
	static final class BusyException extends Exception {

		private final boolean closing;

		BusyException(boolean closing) {
			super(closing ? "The application is shutting down" : "A profile is being recorded");
			this.closing = closing;
		}

		boolean isClosing() {
			return this.closing;
		}

	}

}
