package dev.trafficguard.audit;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.util.ClassUtils;

/**
 * Finds actuator endpoints that can leak data or stall the JVM ({@code heapdump}, {@code env},
 * {@code threaddump}, {@code profiling}) exposed over HTTP on the main port of an application
 * without Spring Security ({@code actuator.sensitive-endpoint-exposed}). Exposure and access
 * are read from the environment, as Spring Boot reads them, and the endpoint must exist as a
 * bean, found by the id of its {@code @Endpoint} annotation, so that an endpoint another
 * feature adds counts without the audit depending on its classes.
 */
final class ExposureInspection implements Inspection {

	static final List<String> SENSITIVE_ENDPOINTS = List.of("heapdump", "env", "threaddump", "profiling");

	private static final String ENDPOINT = "org.springframework.boot.actuate.endpoint.annotation.Endpoint";

	private static final String SECURITY_FILTER_CHAIN = "org.springframework.security.web.SecurityFilterChain";

	@Override
	public String name() {
		return "exposure";
	}

	@Override
	public void inspect(AuditScope scope) {
		if (!scope.isPresent(ENDPOINT) || !onMainPort(scope) || secured(scope)) {
			return;
		}
		Map<String, Boolean> endpoints = Endpoints.accessibleByDefault(scope.beanFactory());
		Set<String> include = endpointIds(scope, "management.endpoints.web.exposure.include", Set.of("health"));
		Set<String> exclude = endpointIds(scope, "management.endpoints.web.exposure.exclude", Set.of());
		String basePath = scope.environment().getProperty("management.endpoints.web.base-path", "/actuator");
		for (String id : SENSITIVE_ENDPOINTS) {
			boolean exposed = (include.contains(id) || include.contains("*")) && !exclude.contains(id);
			if (exposed && endpoints.containsKey(id) && accessible(scope, id, endpoints.get(id))) {
				String path = scope.environment().getProperty("management.endpoints.web.path-mapping." + id, id);
				scope.report(FindingType.SENSITIVE_ENDPOINT_EXPOSED.at(
						"endpoint '" + id + "' (management.endpoints.web.exposure.include)",
						"GET " + basePath + "/" + path + " answers anyone"));
			}
		}
	}

	private static Set<String> endpointIds(AuditScope scope, String property, Set<String> fallback) {
		return scope.binder()
			.bind(property, Bindable.setOf(String.class))
			.map((ids) -> ids.stream().map((id) -> id.trim().toLowerCase(Locale.ROOT)).collect(Collectors.toSet()))
			.orElse(fallback);
	}

	private static boolean onMainPort(AuditScope scope) {
		String managementPort = scope.environment().getProperty("management.server.port");
		if (managementPort == null || managementPort.isBlank()) {
			return true;
		}
		String serverPort = scope.environment().getProperty("server.port", "8080");
		return managementPort.trim().equals(serverPort.trim());
	}

	private static boolean secured(AuditScope scope) {
		if (!scope.isPresent(SECURITY_FILTER_CHAIN)) {
			return false;
		}
		ConfigurableListableBeanFactory beanFactory = scope.beanFactory();
		Class<?> chain = ClassUtils.resolveClassName(SECURITY_FILTER_CHAIN, beanFactory.getBeanClassLoader());
		return beanFactory.containsBean("springSecurityFilterChain")
				|| beanFactory.getBeanNamesForType(chain, false, false).length > 0;
	}

	/**
	 * Whether an endpoint's access is other than none, as Spring Boot decides it: the
	 * endpoint's own access, else the default access, else the endpoint's default, all
	 * capped by the maximum permitted.
	 */
	private static boolean accessible(AuditScope scope, String id, boolean accessibleByDefault) {
		String enabled = scope.environment().getProperty("management.endpoint." + id + ".enabled");
		if (isNone(scope.environment().getProperty("management.endpoints.access.max-permitted"))
				|| "false".equalsIgnoreCase(enabled)) {
			return false;
		}
		String access = scope.environment().getProperty("management.endpoint." + id + ".access");
		if (access == null) {
			access = scope.environment().getProperty("management.endpoints.access.default");
		}
		if (access == null) {
			return accessibleByDefault;
		}
		return !isNone(access);
	}

	private static boolean isNone(@Nullable String access) {
		return access != null && access.trim().toLowerCase(Locale.ROOT).equals("none");
	}

	/**
	 * The endpoints that exist as beans, by id, and whether each is accessible unless
	 * its access is set (its default access is not none, as Spring Boot's heap dump's is),
	 * read from their {@code @Endpoint} (or {@code @WebEndpoint}, which it meta-annotates),
	 * so that any feature's endpoint counts. Loaded only when the actuator is present.
	 */
	private static final class Endpoints {

		static Map<String, Boolean> accessibleByDefault(ConfigurableListableBeanFactory beanFactory) {
			Map<String, Boolean> endpoints = new HashMap<>();
			for (String name : beanFactory.getBeanNamesForAnnotation(Endpoint.class)) {
				Endpoint endpoint = beanFactory.findAnnotationOnBean(name, Endpoint.class, false);
				if (endpoint != null) {
					endpoints.put(endpoint.id().toLowerCase(Locale.ROOT), endpoint.defaultAccess() != Access.NONE);
				}
			}
			return endpoints;
		}

	}

}
