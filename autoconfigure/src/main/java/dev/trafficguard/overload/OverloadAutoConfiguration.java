package dev.trafficguard.overload;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import com.netflix.concurrency.limits.Limiter;
import dev.trafficguard.actuate.TrafficGuardContributor;
import dev.trafficguard.properties.SettingSources;
import dev.trafficguard.properties.TrafficGuardAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.DispatcherType;
import org.apache.catalina.startup.Tomcat;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for overload protection: the adaptive
 * concurrency limit on inbound requests, queue-time shedding on Tomcat, and (through
 * {@link OverloadPropertyDefaults}) bounded Tomcat limits.
 */
@AutoConfiguration(after = TrafficGuardAutoConfiguration.class)
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnClass({ Limiter.class, FilterRegistrationBean.class })
@ConditionalOnBooleanProperty(name = { "traffic-guard.enabled", "traffic-guard.overload.enabled" },
		matchIfMissing = true)
@EnableConfigurationProperties(OverloadProperties.class)
public final class OverloadAutoConfiguration {

	private static final String ACTUATOR_ENDPOINT_CLASS = "org.springframework.boot.actuate.endpoint.annotation.Endpoint";

	@Bean
	OverloadSettings trafficGuardOverloadSettings(OverloadProperties properties, Environment environment) {
		int max = properties.determineMaxLimit(environment.getProperty("server.tomcat.threads.max", Integer.class));
		Integer initial = properties.getInitialLimit();
		List<String> excluded = new ArrayList<>(properties.getExcludePaths());
		excluded.addAll(actuatorPaths(environment));
		return new OverloadSettings(properties.getMinLimit(), max,
				(initial != null) ? Math.min(initial, max) : max, List.copyOf(excluded), environment,
				new AtomicBoolean());
	}

	/**
	 * The actuator's paths that are never limited: all of them under their own base path,
	 * since the probes must never be turned away and the operator needs the endpoint most
	 * when the service is overloaded; only the health probes when the endpoints sit at the
	 * root, among the application's own paths.
	 */
	static List<String> actuatorPaths(Environment environment) {
		if (!ClassUtils.isPresent(ACTUATOR_ENDPOINT_CLASS, OverloadAutoConfiguration.class.getClassLoader())) {
			return List.of();
		}
		String basePath = environment.getProperty("management.endpoints.web.base-path", "/actuator").trim();
		while (basePath.endsWith("/")) {
			basePath = basePath.substring(0, basePath.length() - 1);
		}
		if (basePath.isEmpty()) {
			return List.of("/health", "/health/**");
		}
		basePath = basePath.startsWith("/") ? basePath : "/" + basePath;
		return List.of(basePath, basePath + "/**");
	}

	@Bean
	@ConditionalOnMissingBean
	RequestLimiter trafficGuardRequestLimiter(OverloadProperties properties, OverloadSettings settings) {
		return new RequestLimiter(
				RequestLimiter.createLimit(properties.getAlgorithm(), settings.minLimit(), settings.maxLimit(),
						settings.initialLimit(), properties.getSmoothing()),
				new PathGroups(properties.getGroups()), properties.getMaxWait());
	}

	@Bean
	QueueTimeCheck trafficGuardQueueTimeCheck(OverloadProperties properties) {
		return new QueueTimeCheck(properties.getMaxQueueTime(), properties.getQueueTimeTarget(),
				properties.getQueueTimeInterval());
	}

	@Bean
	@ConditionalOnMissingBean
	OverloadFilter trafficGuardOverloadFilter(RequestLimiter limiter, QueueTimeCheck queueTime,
			OverloadProperties properties, OverloadSettings settings) {
		return new OverloadFilter(limiter, new PathMatcher(settings.excludedPaths()), queueTime,
				properties.getRetryAfter());
	}

	@Bean
	@ConditionalOnMissingBean(name = "trafficGuardOverloadFilterRegistration")
	FilterRegistrationBean<OverloadFilter> trafficGuardOverloadFilterRegistration(OverloadFilter filter) {
		FilterRegistrationBean<OverloadFilter> registration = new FilterRegistrationBean<>(filter);
		registration.setName("trafficGuardOverloadFilter");
		registration.setOrder(OverloadFilter.ORDER);
		registration.setDispatcherTypes(EnumSet.of(DispatcherType.REQUEST));
		return registration;
	}

	@Bean
	@ConditionalOnClass(TrafficGuardContributor.class)
	@ConditionalOnBean(SettingSources.class)
	TrafficGuardContributor trafficGuardOverloadContributor(RequestLimiter limiter, QueueTimeCheck queueTime,
			OverloadProperties properties, OverloadSettings settings, SettingSources settingSources) {
		return new OverloadContributor(limiter, queueTime, properties, settings, settingSources);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class OverloadMetricsConfiguration {

		@Bean
		OverloadMetrics trafficGuardOverloadMetrics(RequestLimiter limiter) {
			return new OverloadMetrics(limiter);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ Tomcat.class, TomcatConnectorCustomizer.class })
	static class TomcatQueueTimeConfiguration {

		@Bean
		@ConditionalOnMissingBean
		QueueTimeConnectorCustomizer trafficGuardQueueTimeConnectorCustomizer(OverloadProperties properties,
				OverloadSettings settings) {
			return new QueueTimeConnectorCustomizer(!properties.getMaxQueueTime().isZero(),
					settings.queueTimeMeasured());
		}

	}

}
