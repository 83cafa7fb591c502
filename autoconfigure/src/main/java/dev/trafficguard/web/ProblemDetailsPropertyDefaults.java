package dev.trafficguard.web;

import java.util.Map;

import dev.trafficguard.properties.PropertyDefaults;

import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Turns Spring MVC's own problem details on, so that errors Spring MVC handles (a missing
 * parameter, a type mismatch, an unsupported method) are answered with
 * {@code application/problem+json} as well (contributed only when Spring MVC is on the class
 * path: in a WebFlux or non-web application the property would mean nothing), and keeps
 * Tomcat from logging a request it cannot parse with a stack trace.
 */
public final class ProblemDetailsPropertyDefaults implements PropertyDefaults {

	/**
	 * Tomcat logs the first request it cannot parse (a malformed request line or header, a
	 * client's fault) at INFO with a stack trace; the request is answered 400 as a problem.
	 */
	static final String TOMCAT_PARSE_ERROR_LOGGER = "logging.level[org.apache.coyote.http11.Http11Processor]";

	private static final String DISPATCHER_SERVLET = "org.springframework.web.servlet.DispatcherServlet";

	private static final String HTTP11_PROCESSOR = "org.apache.coyote.http11.Http11Processor";

	private final ClassLoader classLoader;

	/**
	 * Create an instance that looks for Spring MVC with its own class loader.
	 */
	public ProblemDetailsPropertyDefaults() {
		this(ProblemDetailsPropertyDefaults.class.getClassLoader());
	}

	ProblemDetailsPropertyDefaults(ClassLoader classLoader) {
		this.classLoader = classLoader;
	}

	@Override
	public String feature() {
		return "web.problem-details";
	}

	@Override
	public void contribute(Environment environment, Map<String, Object> defaults) {
		if (ClassUtils.isPresent(DISPATCHER_SERVLET, this.classLoader)) {
			defaults.put("spring.mvc.problemdetails.enabled", true);
		}
		if (ClassUtils.isPresent(HTTP11_PROCESSOR, this.classLoader)) {
			defaults.put(TOMCAT_PARSE_ERROR_LOGGER, "warn");
		}
	}

}
