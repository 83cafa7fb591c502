package dev.trafficguard.targets;

import java.util.EnumSet;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.trafficguard.actuate.ActuatorBasePath;
import dev.trafficguard.actuate.TrafficGuardContributor;
import dev.trafficguard.properties.SettingSources;
import dev.trafficguard.properties.TrafficGuardAutoConfiguration;
import io.micrometer.core.instrument.binder.MeterBinder;
import jakarta.servlet.DispatcherType;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for performance targets: request
 * latency timed by a servlet filter, live threads, heap growth and GC pauses from the
 * collectors' notifications, each against a goal and a warn level, reported as the
 * {@code trafficGuardTargets} health contributor, {@code traffic.guard.target.*} gauges and
 * the {@code targets} section of the {@code trafficguard} endpoint. The {@code DEGRADED}
 * status is registered by {@link TargetsPropertyDefaults}.
 */
@AutoConfiguration(after = TrafficGuardAutoConfiguration.class)
@ConditionalOnClass(GarbageCollectionNotificationInfo.class)
@ConditionalOnBooleanProperty(name = { "traffic-guard.enabled", "traffic-guard.targets.enabled" },
		matchIfMissing = true)
@EnableConfigurationProperties(TargetsProperties.class)
public final class TargetsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RequestTimings trafficGuardRequestTimings(TargetsProperties properties) {
		return new RequestTimings(properties.getWindow(), properties.getMaxUris());
	}

	@Bean(initMethod = "start", destroyMethod = "close")
	@ConditionalOnMissingBean
	TargetMonitor trafficGuardTargetMonitor(TargetsProperties properties, RequestTimings timings) {
		return new TargetMonitor(properties, timings);
	}

	@Bean
	@ConditionalOnClass(TrafficGuardContributor.class)
	@ConditionalOnBean(SettingSources.class)
	TrafficGuardContributor trafficGuardTargetsContributor(TargetMonitor monitor, TargetsProperties properties,
			SettingSources settingSources) {
		return new TargetsContributor(monitor, properties, settingSources);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = Type.SERVLET)
	@ConditionalOnClass(FilterRegistrationBean.class)
	static class RequestTimingConfiguration {

		@Bean
		@ConditionalOnMissingBean
		RequestTimingFilter trafficGuardRequestTimingFilter(RequestTimings timings, Environment environment) {
			return new RequestTimingFilter(timings, ActuatorBasePath.of(environment));
		}

		@Bean
		@ConditionalOnMissingBean(name = "trafficGuardRequestTimingFilterRegistration")
		FilterRegistrationBean<RequestTimingFilter> trafficGuardRequestTimingFilterRegistration(
				RequestTimingFilter filter) {
			FilterRegistrationBean<RequestTimingFilter> registration = new FilterRegistrationBean<>(filter);
			registration.setName("trafficGuardRequestTimingFilter");
			// Right after the shutdown's request counter: the time of every request the
			// server serves, also of those another filter answers itself
			registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
			registration.setDispatcherTypes(EnumSet.of(DispatcherType.REQUEST));
			return registration;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	static class TargetsHealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "trafficGuardTargetsHealthIndicator")
		HealthIndicator trafficGuardTargetsHealthIndicator(TargetMonitor monitor) {
			return new TargetsHealthIndicator(monitor);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	static class TargetsMetricsConfiguration {

		@Bean
		TargetsMetrics trafficGuardTargetsMetrics(TargetMonitor monitor) {
			return new TargetsMetrics(monitor);
		}

	}

}
