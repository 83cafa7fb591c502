package dev.trafficguard.properties;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.thread.Threading;
import org.springframework.core.env.Environment;

/**
 * Whether the application asked for virtual threads and did not get them: Spring Boot
 * ignores {@code spring.threads.virtual.enabled=true} before Java 21, without a word.
 */
public final class VirtualThreads {

	/**
	 * Spring Boot's switch for virtual threads.
	 */
	public static final String PROPERTY = "spring.threads.virtual.enabled";

	private VirtualThreads() {
	}

	/**
	 * Why {@value #PROPERTY} is ignored, if it is.
	 * @param environment the environment
	 * @return the reason, or {@code null} when the property is not set to {@code true} or
	 * virtual threads are in use
	 */
	public static @Nullable String ignoredReason(Environment environment) {
		if (!environment.getProperty(PROPERTY, Boolean.class, false) || Threading.VIRTUAL.isActive(environment)) {
			return null;
		}
		return PROPERTY + "=true is ignored: virtual threads need Java 21 or later, this is Java "
				+ System.getProperty("java.version") + "; tasks and requests run on platform threads";
	}

}
