package dev.trafficguard.ratelimit;

import java.util.List;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.trafficguard.actuate.TrafficGuardContributor;
import dev.trafficguard.properties.InvalidPropertyException;
import dev.trafficguard.properties.SettingSources;
import dev.trafficguard.properties.TrafficGuardAutoConfiguration;
import dev.trafficguard.ratelimit.RateLimitProperties.Backend;
import dev.trafficguard.web.CidrBlock;
import dev.trafficguard.web.ClientAddressResolver;
import dev.trafficguard.web.TrafficGuardWebProperties;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.redis.lettuce.cas.LettuceBasedProxyManager;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.DispatcherType;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.cloud.CloudPlatform;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for per-client rate limiting.
 */
@AutoConfiguration(after = TrafficGuardAutoConfiguration.class,
		afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnClass({ Bucket.class, Caffeine.class, FilterRegistrationBean.class })
@ConditionalOnBooleanProperty(name = { "traffic-guard.enabled", "traffic-guard.rate-limit.enabled" },
		matchIfMissing = true)
@EnableConfigurationProperties({ RateLimitProperties.class, TrafficGuardWebProperties.class })
public final class RateLimitAutoConfiguration {

	private static final String ACTUATOR_ENDPOINT_CLASS = "org.springframework.boot.actuate.endpoint.annotation.Endpoint";

	@Bean
	@ConditionalOnMissingBean
	ClientAddressResolver trafficGuardClientAddressResolver(RateLimitProperties properties,
			TrafficGuardWebProperties webProperties, Environment environment) {
		List<CidrBlock> proxies = properties.getTrustedProxies().stream().map(CidrBlock::parse).toList();
		return new ClientAddressResolver(proxies, webProperties.getForwardedHeader(),
				isForwardedHeadersResolvedByServer(environment));
	}

	/**
	 * Whether Spring Boot resolves forwarded headers itself, as
	 * {@code server.forward-headers-strategy} (or, unset, the cloud platform) decides.
	 */
	static boolean isForwardedHeadersResolvedByServer(Environment environment) {
		String strategy = environment.getProperty("server.forward-headers-strategy");
		if (StringUtils.hasText(strategy)) {
			return !"none".equalsIgnoreCase(strategy.trim());
		}
		CloudPlatform platform = CloudPlatform.getActive(environment);
		return platform != null && platform.isUsingForwardHeaders();
	}

	@Bean
	RateLimitRules trafficGuardRateLimitRules(RateLimitProperties properties, Environment environment,
			ObjectProvider<ClientKeyResolver> resolvers, ClientAddressResolver addresses) {
		return RateLimitRules.of(properties, actuatorBasePath(environment), resolvers.getIfUnique(), addresses);
	}

	/**
	 * The actuator's base path on this server, or {@code null} if its endpoints are not
	 * served here under a path of their own.
	 */
	static @Nullable String actuatorBasePath(Environment environment) {
		if (!ClassUtils.isPresent(ACTUATOR_ENDPOINT_CLASS, RateLimitAutoConfiguration.class.getClassLoader())) {
			return null;
		}
		if (isOnManagementPort(environment)) {
			// The endpoints have a server of their own: this filter never sees them.
			return null;
		}
		String basePath = environment.getProperty("management.endpoints.web.base-path", "/actuator").trim();
		while (basePath.endsWith("/")) {
			basePath = basePath.substring(0, basePath.length() - 1);
		}
		if (basePath.isEmpty()) {
			// Endpoints at the root share their paths with the application's.
			return null;
		}
		return basePath.startsWith("/") ? basePath : "/" + basePath;
	}

	/**
	 * Whether the actuator's endpoints are served on a port of their own (or not at all),
	 * as Spring Boot's {@code ManagementPortType} decides.
	 */
	private static boolean isOnManagementPort(Environment environment) {
		Integer managementPort = environment.getProperty("management.server.port", Integer.class);
		if (managementPort == null) {
			return false;
		}
		Integer serverPort = environment.getProperty("server.port", Integer.class);
		boolean same = (serverPort == null && managementPort == 8080)
				|| (managementPort != 0 && managementPort.equals(serverPort));
		return !same;
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	RateLimitBackend trafficGuardRateLimitBackend(RateLimitProperties properties, RateLimitRules rules,
			ConfigurableListableBeanFactory beanFactory) {
		if (properties.getBackend() == Backend.REDIS) {
			if (!RedisBackendFactory.isPresent(beanFactory.getBeanClassLoader())) {
				throw new InvalidPropertyException(RateLimitProperties.PREFIX + ".backend", "redis",
						"local unless com.bucket4j:bucket4j_jdk17-lettuce and"
								+ " org.springframework.boot:spring-boot-starter-data-redis are on the classpath");
			}
			return RedisBackendFactory.create(properties, beanFactory);
		}
		long maxMemory = (properties.getMaxMemory() != null) ? properties.getMaxMemory().toBytes()
				: LocalRateLimitBackend.defaultMaxMemory();
		return new LocalRateLimitBackend(rules.rules(), properties.getMaxClients(), maxMemory);
	}

	@Bean
	@ConditionalOnMissingBean
	RateLimitFilter trafficGuardRateLimitFilter(RateLimitRules rules, RateLimitBackend backend,
			RateLimitProperties properties) {
		return new RateLimitFilter(rules.rules(), RequestPathMatcher.of(rules.excludedPaths()), backend,
				properties.getFailureMode(), properties.isHeadersOnAllowed());
	}

	@Bean
	@ConditionalOnMissingBean(name = "trafficGuardRateLimitFilterRegistration")
	FilterRegistrationBean<RateLimitFilter> trafficGuardRateLimitFilterRegistration(RateLimitFilter filter) {
		FilterRegistrationBean<RateLimitFilter> registration = new FilterRegistrationBean<>(filter);
		registration.setName("trafficGuardRateLimitFilter");
		registration.setOrder(RateLimitFilter.ORDER);
		// Once per request: forwards, includes, error and async dispatches are not decided again
		registration.setDispatcherTypes(DispatcherType.REQUEST);
		return registration;
	}

	@Bean
	@ConditionalOnClass(TrafficGuardContributor.class)
	@ConditionalOnBean(SettingSources.class)
	TrafficGuardContributor trafficGuardRateLimitContributor(RateLimitRules rules, RateLimitBackend backend,
			RateLimitProperties properties, ClientAddressResolver addresses, SettingSources settingSources) {
		return new RateLimitContributor(rules, backend, properties, addresses, settingSources);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class RateLimitMetricsConfiguration {

		@Bean
		RateLimitMetrics trafficGuardRateLimitMetrics(RateLimitRules rules, RateLimitBackend backend) {
			return new RateLimitMetrics(rules, backend);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ LettuceBasedProxyManager.class, RedisClient.class, HealthIndicator.class })
	@ConditionalOnProperty(name = "traffic-guard.rate-limit.backend", havingValue = "redis")
	static class RedisBackendHealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "trafficGuardRateLimitHealthIndicator")
		HealthIndicator trafficGuardRateLimitHealthIndicator(RateLimitBackend backend) {
			return new RateLimitHealthIndicator(backend);
		}

	}

}
