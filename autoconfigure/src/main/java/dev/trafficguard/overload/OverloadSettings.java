package dev.trafficguard.overload;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.springframework.core.env.Environment;

/**
 * The limiter's settings in force, once the defaults that depend on the server are resolved.
 *
 * @param minLimit the lowest limit
 * @param maxLimit the highest limit
 * @param initialLimit the limit to start from
 * @param excludedPaths the paths never limited, the health probes included
 * @param environment the environment the settings were read from
 * @param queueTimeMeasured whether a Tomcat connector got a {@link QueueTimedExecutor}
 */
record OverloadSettings(int minLimit, int maxLimit, int initialLimit, List<String> excludedPaths,
		Environment environment, AtomicBoolean queueTimeMeasured) {

}
