package dev.trafficguard.deadline;

import java.util.EnumSet;

import com.zaxxer.hikari.HikariDataSource;
import dev.trafficguard.actuate.TrafficGuardContributor;
import dev.trafficguard.properties.SettingSources;
import dev.trafficguard.properties.TrafficGuardAutoConfiguration;
import dev.trafficguard.web.ClientAddressResolver;
import io.micrometer.core.instrument.binder.MeterBinder;
import jakarta.servlet.DispatcherType;
import org.apache.hc.client5.http.classic.ExecChainHandler;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.http.client.HttpComponentsClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.autoconfigure.ClientHttpRequestFactoryBuilderCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for request deadlines: every request
 * gets a {@link Deadline}, tasks it submits inherit it, and a request whose deadline ran out
 * is answered with 504. Runs before the executors are built, so that their task decorator
 * carries the deadline; the trusted proxies for the budget header are the rate limiter's
 * ({@code traffic-guard.rate-limit.trusted-proxies}), through the shared
 * {@link ClientAddressResolver}.
 */
@AutoConfiguration(after = TrafficGuardAutoConfiguration.class,
		afterName = "dev.trafficguard.ratelimit.RateLimitAutoConfiguration",
		before = TaskExecutionAutoConfiguration.class,
		beforeName = "dev.trafficguard.executor.ExecutorAutoConfiguration")
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnClass(FilterRegistrationBean.class)
@ConditionalOnBooleanProperty(name = { "traffic-guard.enabled", "traffic-guard.deadline.enabled" },
		matchIfMissing = true)
@EnableConfigurationProperties(DeadlineProperties.class)
public final class DeadlineAutoConfiguration {

	@Bean
	DeadlineCounters trafficGuardDeadlineCounters() {
		return new DeadlineCounters();
	}

	@Bean
	DeadlineRules trafficGuardDeadlineRules(DeadlineProperties properties) {
		return DeadlineRules.of(properties);
	}

	@Bean
	@ConditionalOnMissingBean
	DeadlineFilter trafficGuardDeadlineFilter(DeadlineProperties properties, DeadlineRules rules,
			DeadlineCounters counters, ObjectProvider<ClientAddressResolver> addresses) {
		String header = properties.getHeader().isEnabled() ? properties.getHeader().getName() : null;
		return new DeadlineFilter(rules, counters, header, addresses.getIfUnique());
	}

	@Bean
	FilterRegistrationBean<DeadlineFilter> trafficGuardDeadlineFilterRegistration(DeadlineFilter filter) {
		FilterRegistrationBean<DeadlineFilter> registration = new FilterRegistrationBean<>(filter);
		registration.setOrder(DeadlineFilter.ORDER);
		registration.setDispatcherTypes(EnumSet.of(DispatcherType.REQUEST));
		return registration;
	}

	@Bean
	@ConditionalOnMissingBean
	DeadlineTaskDecorator trafficGuardDeadlineTaskDecorator(DeadlineCounters counters) {
		return new DeadlineTaskDecorator(counters);
	}

	@Bean
	TrafficGuardContributor trafficGuardDeadlineContributor(DeadlineProperties properties, DeadlineRules rules,
			DeadlineCounters counters, SettingSources settingSources, ObjectProvider<ClientAddressResolver> addresses) {
		return new DeadlineContributor(properties, rules, counters, settingSources,
				addresses.getIfUnique() != null);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HttpStatus.class)
	static class DeadlineProblemConfiguration {

		@Bean
		DeadlineProblemMapper trafficGuardDeadlineProblemMapper(DeadlineCounters counters) {
			return new DeadlineProblemMapper(counters);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HikariDataSource.class)
	static class DeadlineDataSourceConfiguration {

		@Bean
		static DeadlineDataSourcePostProcessor trafficGuardDeadlineDataSourcePostProcessor(
				ObjectProvider<DeadlineCounters> counters) {
			return new DeadlineDataSourcePostProcessor(counters);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ ExecChainHandler.class, HttpComponentsClientHttpRequestFactoryBuilder.class,
			ClientHttpRequestFactoryBuilderCustomizer.class })
	static class DeadlineHttpClientConfiguration {

		@Bean
		DeadlineHttpClientCustomizer trafficGuardDeadlineHttpClientCustomizer(DeadlineProperties properties,
				DeadlineCounters counters) {
			DeadlineProperties.Header header = properties.getHeader();
			return new DeadlineHttpClientCustomizer(counters, header.isPropagate() ? header.getName() : null);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	static class DeadlineMetricsConfiguration {

		@Bean
		DeadlineMetrics trafficGuardDeadlineMetrics(DeadlineCounters counters) {
			return new DeadlineMetrics(counters);
		}

	}

}
