package dev.trafficguard.audit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.trafficguard.properties.TrafficGuardFeatures;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.config.Configurable;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.DirectFieldAccessor;
import org.springframework.http.client.AbstractClientHttpRequestFactoryWrapper;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.util.ClassUtils;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;

/**
 * Finds the application's HTTP clients that are not on the shared pool
 * ({@code http-client.not-shared-pool}) or have no connect or response timeout
 * ({@code http-client.no-timeouts}): {@code RestTemplate}, {@code RestClient},
 * {@code WebClient}, JDK {@code HttpClient} and Apache {@code HttpClient} beans. A client
 * Spring Boot's builders built (a {@code RestClient.Builder} or {@code RestTemplateBuilder}
 * the application injected) is on the shared pool when Traffic Guard's HTTP client feature
 * is on; one the application made itself ({@code new RestTemplate()},
 * {@code RestClient.create()}) is not, and its timeouts are read from its request factory.
 * <p>
 * Spring's clients do not expose their request factory, so it is read from their fields;
 * a client whose fields are not as expected is reported as {@code audit.inspection-failed}.
 */
final class HttpClientInspection implements Inspection {

	private static final String APACHE_CLIENT = "org.apache.hc.client5.http.classic.HttpClient";

	private static final String WEB_CLIENT = "org.springframework.web.reactive.function.client.WebClient";

	/**
	 * Whether Apache HttpClient 5 can be loaded by this class: Spring's factory for it is
	 * only looked at then.
	 */
	private static final boolean APACHE_LOADABLE = ClassUtils.isPresent(APACHE_CLIENT,
			HttpClientInspection.class.getClassLoader());

	private final @Nullable ClientBuildCounter clientBuilds;

	HttpClientInspection(@Nullable ClientBuildCounter clientBuilds) {
		this.clientBuilds = clientBuilds;
	}

	@Override
	public String name() {
		return "http-clients";
	}

	@Override
	public void inspect(AuditScope scope) {
		boolean sharedPool = this.clientBuilds != null
				&& TrafficGuardFeatures.isEnabled(scope.environment(), "http-client")
				&& scope.isPresent(APACHE_CLIENT);
		Set<ClientHttpRequestFactory> builtByBoot = (this.clientBuilds != null) ? this.clientBuilds.builtAtStartup()
				: Set.of();
		scope.eachBean(RestTemplate.class, (name, client) -> inspectFactory(scope, AuditScope.bean(name),
				requestFactory(client, "requestFactory"), builtByBoot, sharedPool));
		scope.eachBean(RestClient.class, (name, client) -> inspectFactory(scope, AuditScope.bean(name),
				requestFactory(client, "clientRequestFactory"), builtByBoot, sharedPool));
		scope.eachBean(java.net.http.HttpClient.class, (name, client) -> {
			if (sharedPool) {
				scope.report(FindingType.HTTP_CLIENT_NOT_SHARED.at(AuditScope.bean(name),
						"a JDK HttpClient with connections of its own"));
			}
			if (client.connectTimeout().isEmpty()) {
				scope.report(FindingType.HTTP_CLIENT_NO_TIMEOUTS.at(AuditScope.bean(name),
						"a JDK HttpClient with no connect timeout (HttpClient.Builder.connectTimeout; give each "
								+ "HttpRequest a timeout too)"));
			}
		});
		if (scope.isPresent(APACHE_CLIENT)) {
			ApacheClients.inspect(scope, builtByBoot, sharedPool);
		}
		if (sharedPool && scope.isPresent(WEB_CLIENT)) {
			Class<?> webClient = ClassUtils.resolveClassName(WEB_CLIENT, scope.beanFactory().getBeanClassLoader());
			scope.eachBean(webClient, (name, client) -> scope.report(FindingType.HTTP_CLIENT_NOT_SHARED
				.at(AuditScope.bean(name), "a WebClient, whose connector has connections of its own")));
		}
	}

	private static ClientHttpRequestFactory requestFactory(Object client, String field) {
		Object factory = new DirectFieldAccessor(client).getPropertyValue(field);
		while (factory instanceof AbstractClientHttpRequestFactoryWrapper wrapper) {
			factory = new DirectFieldAccessor(wrapper).getPropertyValue("requestFactory");
		}
		if (!(factory instanceof ClientHttpRequestFactory requestFactory)) {
			throw new IllegalStateException("no request factory in field '" + field + "' of " + client.getClass());
		}
		return requestFactory;
	}

	private void inspectFactory(AuditScope scope, String subject, ClientHttpRequestFactory factory,
			Set<ClientHttpRequestFactory> builtByBoot, boolean sharedPool) {
		String kind = factory.getClass().getSimpleName();
		if (builtByBoot.contains(factory)) {
			if (sharedPool && APACHE_LOADABLE && ApacheClients.isFactory(factory)) {
				return;
			}
			if (sharedPool) {
				scope.report(FindingType.HTTP_CLIENT_NOT_SHARED.at(subject,
						"built by Spring Boot's builder, but on a " + kind + " rather than Apache HttpClient 5"));
			}
			List<String> missing = new ArrayList<>();
			if (scope.property("spring.http.clients.connect-timeout", Duration.class) == null) {
				missing.add("spring.http.clients.connect-timeout");
			}
			if (scope.property("spring.http.clients.read-timeout", Duration.class) == null) {
				missing.add("spring.http.clients.read-timeout");
			}
			if (!missing.isEmpty()) {
				scope.report(FindingType.HTTP_CLIENT_NO_TIMEOUTS.at(subject,
						"built by Spring Boot's builder without the shared pool, and " + String.join(" and ", missing)
								+ ((missing.size() == 1) ? " is" : " are") + " not set"));
			}
			return;
		}
		if (sharedPool) {
			scope.report(FindingType.HTTP_CLIENT_NOT_SHARED.at(subject, "its own " + kind));
		}
		List<String> missing = missingTimeouts(factory);
		if (!missing.isEmpty()) {
			scope.report(FindingType.HTTP_CLIENT_NO_TIMEOUTS.at(subject,
					"its own " + kind + " with no " + String.join(" and no ", missing) + " timeout"));
		}
	}

	private static List<String> missingTimeouts(ClientHttpRequestFactory factory) {
		List<String> missing = new ArrayList<>();
		if (factory instanceof SimpleClientHttpRequestFactory) {
			DirectFieldAccessor fields = new DirectFieldAccessor(factory);
			if (((Number) fields.getPropertyValue("connectTimeout")).longValue() <= 0) {
				missing.add("connect");
			}
			if (((Number) fields.getPropertyValue("readTimeout")).longValue() <= 0) {
				missing.add("read");
			}
		}
		else if (factory instanceof JdkClientHttpRequestFactory) {
			DirectFieldAccessor fields = new DirectFieldAccessor(factory);
			if (fields.getPropertyValue("httpClient") instanceof java.net.http.HttpClient client
					&& client.connectTimeout().isEmpty()) {
				missing.add("connect");
			}
			if (fields.getPropertyValue("readTimeout") == null) {
				missing.add("read");
			}
		}
		else if (APACHE_LOADABLE && ApacheClients.isFactory(factory) && !ApacheClients.hasResponseTimeout(factory)) {
			// HttpClient 5 connects within 3 minutes by default, but waits for a response forever
			missing.add("response");
		}
		return missing;
	}

	/**
	 * What needs Apache HttpClient 5's classes, loaded only when they are present.
	 */
	private static final class ApacheClients {

		static void inspect(AuditScope scope, Set<ClientHttpRequestFactory> builtByBoot, boolean sharedPool) {
			Map<Object, Boolean> sharedManagers = new IdentityHashMap<>();
			for (ClientHttpRequestFactory factory : builtByBoot) {
				if (factory instanceof HttpComponentsClientHttpRequestFactory components) {
					Object manager = connectionManager(components.getHttpClient());
					if (manager != null) {
						sharedManagers.put(manager, Boolean.TRUE);
					}
				}
			}
			scope.eachBean(org.apache.hc.client5.http.classic.HttpClient.class, (name, client) -> {
				Object manager = connectionManager(client);
				if (manager != null && sharedManagers.containsKey(manager)) {
					return;
				}
				if (sharedPool) {
					scope.report(FindingType.HTTP_CLIENT_NOT_SHARED.at(AuditScope.bean(name),
							"an Apache HttpClient with a connection pool of its own"));
				}
				if (!hasResponseTimeout(client)) {
					scope.report(FindingType.HTTP_CLIENT_NO_TIMEOUTS.at(AuditScope.bean(name),
							"an Apache HttpClient with no response timeout in its default RequestConfig"));
				}
			});
		}

		static boolean isFactory(ClientHttpRequestFactory factory) {
			return factory instanceof HttpComponentsClientHttpRequestFactory;
		}

		static boolean hasResponseTimeout(ClientHttpRequestFactory factory) {
			HttpComponentsClientHttpRequestFactory components = (HttpComponentsClientHttpRequestFactory) factory;
			long readTimeout = ((Number) new DirectFieldAccessor(components).getPropertyValue("readTimeout"))
				.longValue();
			return readTimeout > 0 || hasResponseTimeout(components.getHttpClient());
		}

		static boolean hasResponseTimeout(org.apache.hc.client5.http.classic.HttpClient client) {
			RequestConfig config = (client instanceof Configurable configurable) ? configurable.getConfig() : null;
			return config != null && config.getResponseTimeout() != null;
		}

		private static @Nullable Object connectionManager(org.apache.hc.client5.http.classic.HttpClient client) {
			DirectFieldAccessor fields = new DirectFieldAccessor(client);
			return fields.isReadableProperty("connManager") ? fields.getPropertyValue("connManager") : null;
		}

	}

}
