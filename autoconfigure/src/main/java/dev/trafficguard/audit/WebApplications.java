package dev.trafficguard.audit;

import org.springframework.context.ApplicationContext;
import org.springframework.util.ClassUtils;
import org.springframework.web.context.WebApplicationContext;

/**
 * Tells a servlet web application from others without needing Spring Web's classes.
 */
final class WebApplications {

	private static final String WEB_APPLICATION_CONTEXT = "org.springframework.web.context.WebApplicationContext";

	private WebApplications() {
	}

	static boolean isServlet(ApplicationContext context) {
		return ClassUtils.isPresent(WEB_APPLICATION_CONTEXT, WebApplications.class.getClassLoader())
				&& context instanceof WebApplicationContext;
	}

}
