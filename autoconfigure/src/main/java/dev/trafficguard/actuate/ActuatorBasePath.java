package dev.trafficguard.actuate;

import org.jspecify.annotations.Nullable;

import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * The base path of the actuator's web endpoints, for features that leave the actuator's own
 * requests out of what they count or limit.
 */
public final class ActuatorBasePath {

	private static final String ENDPOINT_CLASS = "org.springframework.boot.actuate.endpoint.annotation.Endpoint";

	private ActuatorBasePath() {
	}

	/**
	 * The actuator's base path, such as {@code /actuator}, without a trailing slash.
	 * @param environment the environment with {@code management.endpoints.web.base-path}
	 * @return the base path, or {@code null} if there is no actuator or its endpoints sit at
	 * the root, where they share their paths with the application's
	 */
	public static @Nullable String of(Environment environment) {
		if (!ClassUtils.isPresent(ENDPOINT_CLASS, ActuatorBasePath.class.getClassLoader())) {
			return null;
		}
		String basePath = environment.getProperty("management.endpoints.web.base-path", "/actuator").trim();
		while (basePath.endsWith("/")) {
			basePath = basePath.substring(0, basePath.length() - 1);
		}
		if (basePath.isEmpty()) {
			return null;
		}
		return basePath.startsWith("/") ? basePath : "/" + basePath;
	}

}
