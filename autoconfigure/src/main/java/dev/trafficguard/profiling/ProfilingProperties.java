package dev.trafficguard.profiling;

import java.time.Duration;

import dev.trafficguard.properties.PropertyCheck;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties for profiling on demand.
 */
@ConfigurationProperties("traffic-guard.profiling")
public class ProfilingProperties implements InitializingBean {

	static final String PREFIX = "traffic-guard.profiling";

	static final Duration MAX_MAX_DURATION = Duration.ofMinutes(10);

	static final DataSize MIN_MAX_SIZE = DataSize.ofMegabytes(1);

	static final DataSize MAX_MAX_SIZE = DataSize.ofGigabytes(1);

	static final int MAX_TOP = 1000;

	/**
	 * Whether the profiling endpoint is available (it still has to be given access and
	 * exposed, see management.endpoint.profiling.access).
	 */
	private boolean enabled = true;

	/**
	 * The longest profile a request may ask for (1s to 10m).
	 */
	private Duration maxDuration = Duration.ofSeconds(120);

	/**
	 * The most a recording may hold on disk (1MB to 1GB); past it, the oldest events are
	 * dropped. Only the latest recording is kept, for download, until the next one or
	 * shutdown.
	 */
	private DataSize maxSize = DataSize.ofMegabytes(64);

	/**
	 * How many frames, thread groups or classes an answer lists unless the request asks
	 * for another number (1 to 1000).
	 */
	private int top = 20;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getMaxDuration() {
		return this.maxDuration;
	}

	public void setMaxDuration(Duration maxDuration) {
		this.maxDuration = maxDuration;
	}

	public DataSize getMaxSize() {
		return this.maxSize;
	}

	public void setMaxSize(DataSize maxSize) {
		this.maxSize = maxSize;
	}

	public int getTop() {
		return this.top;
	}

	public void setTop(int top) {
		this.top = top;
	}

	@Override
	public void afterPropertiesSet() {
		PropertyCheck.between(PREFIX + ".max-duration", this.maxDuration, Duration.ofSeconds(1), MAX_MAX_DURATION);
		PropertyCheck.check(
				this.maxSize != null && this.maxSize.compareTo(MIN_MAX_SIZE) >= 0
						&& this.maxSize.compareTo(MAX_MAX_SIZE) <= 0,
				PREFIX + ".max-size", this.maxSize, "between 1MB and 1GB");
		PropertyCheck.between(PREFIX + ".top", this.top, 1, MAX_TOP);
	}

}
