package dev.trafficguard.shutdown;

import java.time.Duration;
import java.util.EnumSet;

import dev.trafficguard.actuate.TrafficGuardContributor;
import dev.trafficguard.lifecycle.ShutdownTimeline;
import dev.trafficguard.properties.SettingSources;
import dev.trafficguard.properties.TrafficGuardAutoConfiguration;
import io.micrometer.core.instrument.binder.MeterBinder;
import jakarta.servlet.DispatcherType;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for graceful shutdown of the embedded
 * web server: a pre-stop delay with readiness down, then the request drain, each recorded in
 * the {@link ShutdownTimeline}, and {@code Connection: close} on every response from the
 * moment shutdown begins. Defaults for {@code server.shutdown} and
 * {@code spring.lifecycle.timeout-per-shutdown-phase} come from
 * {@link ShutdownPropertyDefaults}.
 */
@AutoConfiguration(after = TrafficGuardAutoConfiguration.class)
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnClass({ FilterRegistrationBean.class, WebServerApplicationContext.class })
@ConditionalOnBooleanProperty(name = { "traffic-guard.enabled", "traffic-guard.shutdown.enabled" },
		matchIfMissing = true)
@EnableConfigurationProperties(ShutdownProperties.class)
public final class ShutdownAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	InFlightRequestFilter trafficGuardInFlightRequestFilter() {
		return new InFlightRequestFilter();
	}

	@Bean
	FilterRegistrationBean<InFlightRequestFilter> trafficGuardInFlightRequestFilterRegistration(
			InFlightRequestFilter filter) {
		FilterRegistrationBean<InFlightRequestFilter> registration = new FilterRegistrationBean<>(filter);
		// First, so that every request counts, also those another filter answers itself
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		registration.setDispatcherTypes(EnumSet.of(DispatcherType.REQUEST));
		return registration;
	}

	@Bean
	@ConditionalOnMissingBean
	ConnectionCloseFilter trafficGuardConnectionCloseFilter() {
		return new ConnectionCloseFilter();
	}

	@Bean
	FilterRegistrationBean<ConnectionCloseFilter> trafficGuardConnectionCloseFilterRegistration(
			ConnectionCloseFilter filter) {
		FilterRegistrationBean<ConnectionCloseFilter> registration = new FilterRegistrationBean<>(filter);
		// Early, so that the answer of a filter that answers itself carries the header too
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
		registration.setDispatcherTypes(EnumSet.of(DispatcherType.REQUEST));
		return registration;
	}

	@Bean
	@ConditionalOnMissingBean
	RequestDrain trafficGuardRequestDrain(InFlightRequestFilter requests, ShutdownTimeline timeline,
			Environment environment) {
		boolean graceful = !"immediate".equalsIgnoreCase(environment.getProperty("server.shutdown", "graceful"));
		return new RequestDrain(requests, timeline, timeoutPerShutdownPhase(environment), graceful);
	}

	@Bean
	@ConditionalOnMissingBean
	PreStopDelay trafficGuardPreStopDelay(ShutdownProperties properties, InFlightRequestFilter requests,
			RequestDrain requestDrain, ShutdownTimeline timeline, ApplicationContext context) {
		// Nothing serves in a mock servlet environment (a test), so nothing waits
		boolean serving = runsWebServer(context);
		Duration delay = serving ? properties.determinePreStopDelay(context.getEnvironment()) : Duration.ZERO;
		Duration notice = serving ? properties.getConnectionCloseNotice() : Duration.ZERO;
		return new PreStopDelay(delay, notice, requests, requestDrain, timeline);
	}

	@Bean
	TrafficGuardContributor trafficGuardShutdownContributor(PreStopDelay preStopDelay, RequestDrain requestDrain,
			InFlightRequestFilter requests, ShutdownTimeline timeline, SettingSources settingSources,
			ShutdownProperties properties, Environment environment) {
		return new ShutdownContributor(preStopDelay, requestDrain, requests, timeline, properties.getTimeout(),
				settingSources, environment);
	}

	private static boolean runsWebServer(ApplicationContext context) {
		// The web server is created before any singleton, so it is known here
		return context instanceof WebServerApplicationContext webServerContext
				&& webServerContext.getWebServer() != null;
	}

	private static Duration timeoutPerShutdownPhase(Environment environment) {
		return Binder.get(environment)
			.bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
			.orElse(ShutdownProperties.DEFAULT_TIMEOUT);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ResponseBodyAdvice.class)
	static class ConnectionCloseAdviceConfiguration {

		@Bean
		ConnectionCloseAdvice trafficGuardConnectionCloseAdvice(ConnectionCloseFilter filter) {
			return new ConnectionCloseAdvice(filter);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	static class RequestDrainMetricsConfiguration {

		@Bean
		RequestDrainMetrics trafficGuardRequestDrainMetrics(InFlightRequestFilter requests,
				RequestDrain requestDrain) {
			return new RequestDrainMetrics(requests, requestDrain);
		}

	}

}
