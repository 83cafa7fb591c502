package dev.trafficguard.sample;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sample application running as a separate JVM on a random loopback port, with its log
 * collected line by line so that a test can wait for a line and read the shutdown timeline.
 */
final class SampleProcess implements AutoCloseable {

	private static final Pattern PORT = Pattern.compile("Tomcat started on port (\\d+)");

	private final Process process;

	private final List<String> lines = new ArrayList<>();

	private final Thread reader;

	private volatile boolean logEnded;

	private final int port;

	private SampleProcess(Process process, Duration startupTimeout) throws IOException, InterruptedException {
		this.process = process;
		this.reader = new Thread(this::readLog, "sample-app-log");
		this.reader.setDaemon(true);
		this.reader.start();
		Matcher started = awaitLine(PORT, startupTimeout);
		this.port = Integer.parseInt(started.group(1));
		awaitLine(Pattern.compile("Started SampleApplication"), startupTimeout);
	}

	/**
	 * Start the sample application with the test's own class path.
	 * @param arguments extra command-line arguments, such as
	 * {@code --traffic-guard.shutdown.timeout=1s}
	 * @return the running application
	 */
	static SampleProcess start(String... arguments) throws IOException, InterruptedException {
		// Small and quick to start: the machine that runs the tests may be busy
		return start(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"), arguments);
	}

	/**
	 * Start the sample application with the test's own class path and the given JVM options.
	 * Rate limiting is off unless an argument sets {@code traffic-guard.rate-limit.enabled}.
	 * @param jvmOptions the JVM options, such as {@code -Xmx256m}
	 * @param arguments extra command-line arguments
	 * @return the running application
	 */
	static SampleProcess start(List<String> jvmOptions, String... arguments) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(jvmOptions);
		command.addAll(List.of("-cp", System.getProperty("java.class.path")));
		command.add(SampleApplication.class.getName());
		command.addAll(List.of("--server.port=0", "--server.address=127.0.0.1", "--spring.main.banner-mode=off"));
		if (List.of(arguments).stream().noneMatch((argument) -> argument.startsWith("--traffic-guard.rate-limit.enabled="))) {
			command.add("--traffic-guard.rate-limit.enabled=false");
		}
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		try {
			return new SampleProcess(process, Duration.ofSeconds(90));
		}
		catch (IOException | InterruptedException | RuntimeException | Error ex) {
			process.destroyForcibly();
			throw ex;
		}
	}

	int port() {
		return this.port;
	}

	long pid() {
		return this.process.pid();
	}

	/**
	 * Send SIGTERM, as Kubernetes, Docker or {@code kill} would.
	 */
	void terminate() {
		// Through the handle: Process.destroy() would also close the pipe the log comes through
		this.process.toHandle().destroy();
	}

	/**
	 * Wait for the process to exit.
	 * @param timeout how long to wait
	 * @return the exit status, or -1 if it still runs
	 */
	int awaitExit(Duration timeout) throws InterruptedException {
		return this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? this.process.exitValue() : -1;
	}

	/**
	 * Wait for a log line that contains a match of the pattern.
	 * @param pattern the pattern to find
	 * @param timeout how long to wait
	 * @return the match
	 * @throws IllegalStateException if no line matched in time or the process ended first
	 */
	Matcher awaitLine(Pattern pattern, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		int next = 0;
		synchronized (this.lines) {
			while (true) {
				for (; next < this.lines.size(); next++) {
					Matcher matcher = pattern.matcher(this.lines.get(next));
					if (matcher.find()) {
						return matcher;
					}
				}
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0 || this.logEnded) {
					throw new IllegalStateException("No log line matching '" + pattern + "' within " + timeout
							+ (this.logEnded ? " (the process ended)" : ""));
				}
				TimeUnit.NANOSECONDS.timedWait(this.lines, remaining);
			}
		}
	}

	/**
	 * The log so far.
	 * @return the lines, oldest first
	 */
	List<String> lines() {
		synchronized (this.lines) {
			return List.copyOf(this.lines);
		}
	}

	/**
	 * Wait until the whole log has been read, once the process has exited.
	 */
	void awaitLogEnd() throws InterruptedException {
		this.reader.join(TimeUnit.SECONDS.toMillis(30));
	}

	private void readLog() {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				System.out.println("[sample-app] " + line);
				synchronized (this.lines) {
					this.lines.add(line);
					this.lines.notifyAll();
				}
			}
		}
		catch (IOException ex) {
			// The process ended
		}
		finally {
			synchronized (this.lines) {
				this.logEnded = true;
				this.lines.notifyAll();
			}
		}
	}

	@Override
	public void close() throws InterruptedException {
		if (this.process.isAlive()) {
			this.process.destroyForcibly();
			this.process.waitFor(30, TimeUnit.SECONDS);
		}
	}

}
