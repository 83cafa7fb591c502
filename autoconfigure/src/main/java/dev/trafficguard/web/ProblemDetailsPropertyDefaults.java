package dev.trafficguard.web;

import java.util.Map;

import dev.trafficguard.properties.PropertyDefaults;

import org.springframework.core.env.Environment;

/**
 * Turns Spring MVC's own problem details on, so that errors Spring MVC handles (a missing
 * parameter, a type mismatch, an unsupported method) are answered with
 * {@code application/problem+json} as well, and keeps Tomcat from logging a request it
 * cannot parse with a stack trace.
 */
public final class ProblemDetailsPropertyDefaults implements PropertyDefaults {

	/**
	 * Tomcat logs the first request it cannot parse (a malformed request line or header, a
	 * client's fault) at INFO with a stack trace; the request is answered 400 as a problem.
	 */
	static final String TOMCAT_PARSE_ERROR_LOGGER = "logging.level[org.apache.coyote.http11.Http11Processor]";

	@Override
	public String feature() {
		return "web.problem-details";
	}

	@Override
	public void contribute(Environment environment, Map<String, Object> defaults) {
		defaults.put("spring.mvc.problemdetails.enabled", true);
		defaults.put(TOMCAT_PARSE_ERROR_LOGGER, "warn");
	}

}
