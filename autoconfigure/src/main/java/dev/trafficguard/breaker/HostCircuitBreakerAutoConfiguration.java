package dev.trafficguard.breaker;

import dev.trafficguard.properties.SettingSources;
import dev.trafficguard.properties.TrafficGuardAutoConfiguration;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.hc.client5.http.classic.ExecChainHandler;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.http.client.HttpComponentsClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.autoconfigure.ClientHttpRequestFactoryBuilderCustomizer;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for a circuit breaker per downstream
 * host on every Apache HttpClient 5 that Spring Boot builds. The breakers come from
 * resilience4j's {@link CircuitBreakerRegistry}, so its configuration, health indicators,
 * metrics and endpoints apply to them. It plugs into Boot's own
 * {@link ClientHttpRequestFactoryBuilderCustomizer} point, and is independent of the shared
 * connection pool.
 */
@AutoConfiguration(after = TrafficGuardAutoConfiguration.class,
		afterName = "io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration",
		before = ImperativeHttpClientAutoConfiguration.class)
@ConditionalOnClass({ CircuitBreaker.class, ExecChainHandler.class, HttpComponentsClientHttpRequestFactoryBuilder.class,
		ClientHttpRequestFactoryBuilderCustomizer.class })
@ConditionalOnBean(CircuitBreakerRegistry.class)
@ConditionalOnBooleanProperty(name = { "traffic-guard.enabled", "traffic-guard.circuit-breaker.enabled" },
		matchIfMissing = true)
@EnableConfigurationProperties(HostCircuitBreakerProperties.class)
public final class HostCircuitBreakerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	HostCircuitBreakers trafficGuardHostCircuitBreakers(CircuitBreakerRegistry registry,
			HostCircuitBreakerProperties properties) {
		return new HostCircuitBreakers(registry, properties.getMaxHosts());
	}

	@Bean
	SlowCallWatchdog trafficGuardSlowCallWatchdog(CircuitBreakerRegistry registry) {
		return new SlowCallWatchdog(registry.getDefaultConfig().getSlowCallDurationThreshold());
	}

	@Bean
	HostCircuitBreakerInterceptor trafficGuardHostCircuitBreakerInterceptor(HostCircuitBreakers breakers,
			HostCircuitBreakerProperties properties, SlowCallWatchdog watchdog) {
		return new HostCircuitBreakerInterceptor(breakers, new FailureStatuses(properties.getFailureStatuses()),
				watchdog);
	}

	@Bean
	HostCircuitBreakerCustomizer trafficGuardHostCircuitBreakerCustomizer(HostCircuitBreakerInterceptor interceptor) {
		return new HostCircuitBreakerCustomizer(interceptor);
	}

	@Bean
	OpenBreakerTimes trafficGuardOpenBreakerTimes(CircuitBreakerRegistry registry) {
		return new OpenBreakerTimes(registry);
	}

	@Bean
	CircuitBreakerProblemMapper trafficGuardCircuitBreakerProblemMapper(OpenBreakerTimes openBreakers) {
		return new CircuitBreakerProblemMapper(openBreakers);
	}

	@Bean
	CircuitBreakerContributor trafficGuardCircuitBreakerContributor(HostCircuitBreakers breakers,
			CircuitBreakerRegistry registry, HostCircuitBreakerProperties properties, SettingSources sources,
			OpenBreakerTimes openBreakers, SlowCallWatchdog watchdog, HostCircuitBreakerInterceptor interceptor) {
		return new CircuitBreakerContributor(breakers, registry.getDefaultConfig(), properties.getFailureStatuses(),
				sources, openBreakers, watchdog, interceptor);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	static final class HostCircuitBreakerMetricsConfiguration {

		@Bean
		MeterBinder trafficGuardHostCircuitBreakerMetrics(HostCircuitBreakers breakers, SlowCallWatchdog watchdog,
				HostCircuitBreakerInterceptor interceptor) {
			return (registry) -> {
				FunctionCounter
					.builder("traffic.guard.breaker.slow.running.calls", watchdog,
							SlowCallWatchdog::getRecordedWhileRunning)
					.description("Calls recorded as slow while still running, past the slow-call threshold")
					.register(registry);
				FunctionCounter
					.builder("traffic.guard.breaker.not.sent.calls", interceptor,
							HostCircuitBreakerInterceptor::getNotSent)
					.description("Calls that failed before their request left the process, not counted by the breakers")
					.register(registry);
				Gauge.builder("traffic.guard.breaker.hosts", breakers, (b) -> b.all().size())
					.description("Downstream hosts with a circuit breaker of their own")
					.register(registry);
				FunctionCounter
					.builder("traffic.guard.breaker.untracked.calls", breakers, HostCircuitBreakers::getUntrackedCalls)
					.description("Calls that passed without a circuit breaker because max-hosts was reached")
					.register(registry);
			};
		}

	}

}
