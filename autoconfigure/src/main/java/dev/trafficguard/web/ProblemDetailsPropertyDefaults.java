package dev.trafficguard.web;

import java.util.Map;

import dev.trafficguard.properties.PropertyDefaults;

import org.springframework.core.env.Environment;

/**
 * Turns Spring MVC's own problem details on, so that errors Spring MVC handles (a missing
 * parameter, a type mismatch, an unsupported method) are answered with
 * {@code application/problem+json} as well.
 */
public final class ProblemDetailsPropertyDefaults implements PropertyDefaults {

	@Override
	public String feature() {
		return "web.problem-details";
	}

	@Override
	public void contribute(Environment environment, Map<String, Object> defaults) {
		defaults.put("spring.mvc.problemdetails.enabled", true);
	}

}
