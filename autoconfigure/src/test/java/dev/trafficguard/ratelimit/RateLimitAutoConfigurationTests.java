package dev.trafficguard.ratelimit;

import java.util.List;
import java.util.Map;

import dev.trafficguard.actuate.TrafficGuardContributor;
import dev.trafficguard.actuate.TrafficGuardEndpointAutoConfiguration;
import dev.trafficguard.properties.InvalidPropertyFailureAnalyzer;
import dev.trafficguard.properties.Setting;
import dev.trafficguard.properties.TrafficGuardAutoConfiguration;
import dev.trafficguard.test.TrafficGuardDefaultsInitializer;
import dev.trafficguard.web.ClientAddressResolver;
import dev.trafficguard.web.ClientAddressResolver.ForwardedHeader;
import io.github.bucket4j.redis.lettuce.cas.LettuceBasedProxyManager;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RateLimitAutoConfiguration}.
 */
class RateLimitAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TrafficGuardAutoConfiguration.class,
				TrafficGuardEndpointAutoConfiguration.class, RateLimitAutoConfiguration.class))
		.withInitializer(new TrafficGuardDefaultsInitializer());

	@Test
	void registersTheFilterWithTheDefaultRuleOutOfTheBox() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(RateLimitFilter.class)
				.hasSingleBean(ClientAddressResolver.class)
				.hasBean("trafficGuardRateLimitFilterRegistration");
			FilterRegistrationBean<?> registration = context.getBean("trafficGuardRateLimitFilterRegistration",
					FilterRegistrationBean.class);
			assertThat(registration.getOrder()).isEqualTo(RateLimitFilter.ORDER);
			assertThat(registration.determineDispatcherTypes()).containsExactly(jakarta.servlet.DispatcherType.REQUEST);
			RateLimitRule[] rules = context.getBean(RateLimitFilter.class).rules();
			assertThat(rules).extracting(RateLimitRule::name).containsExactly("actuator", "default");
			RateLimitRule actuator = rules[0];
			assertThat(actuator.paths()).containsExactly("/actuator", "/actuator/**");
			assertThat(actuator.capacity()).isEqualTo(20);
			assertThat(actuator.refillTokens()).isEqualTo(20);
			assertThat(actuator.keyDescription()).isEqualTo("ip");
			RateLimitRule rule = rules[1];
			assertThat(rule.name()).isEqualTo("default");
			assertThat(rule.capacity()).isEqualTo(200);
			assertThat(rule.refillTokens()).isEqualTo(100);
			assertThat(rule.keyDescription()).isEqualTo("ip");
			assertThat(rule.policyHeader()).isEqualTo("\"default\";q=200;w=2");
			assertThat(context.getBean(RateLimitFilter.class).backend()).isInstanceOf(LocalRateLimitBackend.class);
			assertThat(context.getBean(RateLimitRules.class).excludedPaths()).containsExactly("/actuator/health",
					"/actuator/health/**");
			assertThat(context.getBean(ClientAddressResolver.class).getForwardedHeader())
				.isEqualTo(ForwardedHeader.X_FORWARDED_FOR);
		});
	}

	@Test
	void isRemovedWhenDisabled() {
		this.contextRunner.withPropertyValues("traffic-guard.rate-limit.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RateLimitFilter.class)
				.doesNotHaveBean("trafficGuardRateLimitFilterRegistration"));
	}

	@Test
	void isRemovedWhenTrafficGuardIsDisabled() {
		this.contextRunner.withPropertyValues("traffic-guard.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RateLimitFilter.class));
	}

	@Test
	void backsOffFromTheUsersFilter() {
		this.contextRunner.withUserConfiguration(UserFilterConfiguration.class)
			.run((context) -> assertThat(context).getBean(RateLimitFilter.class)
				.isSameAs(context.getBean("userFilter")));
	}

	@Test
	void backsOffFromTheUsersClientAddressResolver() {
		this.contextRunner.withUserConfiguration(UserAddressResolverConfiguration.class)
			.run((context) -> assertThat(context).getBean(ClientAddressResolver.class)
				.isSameAs(context.getBean("userAddressResolver")));
	}

	@Test
	void usesTheAddressTheServerResolvedWhenBootHandlesForwardedHeaders() {
		this.contextRunner
			.withPropertyValues("server.forward-headers-strategy=native", "traffic-guard.rate-limit.trusted-proxies=10.0.0.0/8")
			.run((context) -> assertThat(context.getBean(ClientAddressResolver.class).isResolvedByServer()).isTrue());
		this.contextRunner.withPropertyValues("traffic-guard.rate-limit.trusted-proxies=10.0.0.0/8")
			.run((context) -> assertThat(context.getBean(ClientAddressResolver.class).isResolvedByServer()).isFalse());
	}

	@Test
	void keysDefaultRulesWithTheUsersClientKeyResolver() {
		this.contextRunner.withUserConfiguration(UserKeyResolverConfiguration.class)
			.withPropertyValues("traffic-guard.rate-limit.rules.by-ip.paths=/ip/**",
					"traffic-guard.rate-limit.rules.by-ip.key=ip")
			.run((context) -> {
				RateLimitRule[] rules = context.getBean(RateLimitFilter.class).rules();
				assertThat(rules).extracting(RateLimitRule::name).containsExactly("actuator", "by-ip", "default");
				assertThat(rules[0].keyDescription()).isEqualTo("ip");
				assertThat(rules[1].keyDescription()).isEqualTo("ip");
				assertThat(rules[2].keyDescription()).isEqualTo("resolver");
			});
	}

	@Test
	void bindsOneValueOfTheDefaultRule() {
		this.contextRunner.withPropertyValues("traffic-guard.rate-limit.rules.default.capacity=5").run((context) -> {
			RateLimitRule rule = context.getBean(RateLimitFilter.class).rules()[1];
			assertThat(rule.capacity()).isEqualTo(5);
			assertThat(rule.refillTokens()).isEqualTo(100);
			assertThat(rule.paths()).containsExactly("/**");
		});
	}

	@Test
	void bindsRulesInOrder() {
		this.contextRunner
			.withPropertyValues("traffic-guard.rate-limit.rules.login.paths=/login", "traffic-guard.rate-limit.rules.login.methods=post",
					"traffic-guard.rate-limit.rules.login.capacity=5", "traffic-guard.rate-limit.rules.login.refill-tokens=1",
					"traffic-guard.rate-limit.rules.login.refill-period=1m", "traffic-guard.rate-limit.rules.login.order=2",
					"traffic-guard.rate-limit.rules.api.paths=/api/**", "traffic-guard.rate-limit.rules.api.key=header:X-Api-Key",
					"traffic-guard.rate-limit.rules.api.order=1", "traffic-guard.rate-limit.rules.default.enabled=false")
			.run((context) -> {
				RateLimitRule[] rules = context.getBean(RateLimitFilter.class).rules();
				assertThat(rules).extracting(RateLimitRule::name).containsExactly("actuator", "api", "login");
				assertThat(rules[1].keyDescription()).isEqualTo("header:X-Api-Key");
				assertThat(rules[2].methods()).containsExactly("POST");
				assertThat(rules[2].policyHeader()).isEqualTo("\"login\";q=5;w=300");
			});
	}

	@Test
	void showsItsSectionInTheEndpoint() {
		this.contextRunner.withPropertyValues("traffic-guard.rate-limit.rules.default.capacity=5").run((context) -> {
			TrafficGuardContributor contributor = context.getBean("trafficGuardRateLimitContributor",
					TrafficGuardContributor.class);
			assertThat(contributor.name()).isEqualTo("rate-limit");
			@SuppressWarnings("unchecked")
			Map<String, Object> section = (Map<String, Object>) contributor.describe();
			assertThat(section).containsEntry("trackedClients", 0L);
			@SuppressWarnings("unchecked")
			List<Map<String, Object>> rules = (List<Map<String, Object>>) section.get("rules");
			assertThat(rules.get(0)).containsEntry("name", "actuator")
				.containsEntry("capacity", new Setting(20L, "default"));
			assertThat(rules.get(1)).containsEntry("capacity", new Setting(5L, "user"))
				.containsEntry("refillTokens", new Setting(100L, "default"))
				.containsEntry("trackedClients", 0L);
			assertThat(section).containsEntry("forwardedHeader", new Setting("X-Forwarded-For", "default"))
				.containsEntry("ipv6PrefixLength", new Setting(64, "default"));
		});
	}

	@Test
	void bindsMetersPerRuleAndOutcome() {
		this.contextRunner.run((context) -> {
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			context.getBean(RateLimitMetrics.class).bindTo(registry);
			assertThat(registry.get(RateLimitMetrics.REQUESTS).tag("rule", "default").functionCounters()).hasSize(5);
			assertThat(registry.get(RateLimitMetrics.OVERFLOW).tag("rule", "default").functionCounter().count())
				.isZero();
			assertThat(registry.get(RateLimitMetrics.CLIENTS).gauge().value()).isZero();
		});
	}

	@Test
	void limitsNoActuatorPathWhenTheActuatorRuleIsSwitchedOff() {
		this.contextRunner.withPropertyValues("traffic-guard.rate-limit.actuator.enabled=false").run((context) -> {
			assertThat(context.getBean(RateLimitFilter.class).rules()).extracting(RateLimitRule::name)
				.containsExactly("default");
			assertThat(context.getBean(RateLimitRules.class).excludedPaths()).containsExactly("/actuator",
					"/actuator/**");
		});
	}

	@Test
	void hasNoActuatorRuleWhenTheActuatorHasAPortOfItsOwn() {
		this.contextRunner.withPropertyValues("management.server.port=0").run((context) -> {
			assertThat(context.getBean(RateLimitFilter.class).rules()).extracting(RateLimitRule::name)
				.containsExactly("default");
			assertThat(context.getBean(RateLimitRules.class).excludedPaths()).isEmpty();
		});
		this.contextRunner.withPropertyValues("management.server.port=9000", "server.port=9000")
			.run((context) -> assertThat(context.getBean(RateLimitFilter.class).rules())
				.extracting(RateLimitRule::name)
				.containsExactly("actuator", "default"));
	}

	@Test
	void bindsTheActuatorRule() {
		this.contextRunner
			.withPropertyValues("traffic-guard.rate-limit.actuator.capacity=7",
					"management.endpoints.web.base-path=/manage")
			.run((context) -> {
				RateLimitRule actuator = context.getBean(RateLimitFilter.class).rules()[0];
				assertThat(actuator.capacity()).isEqualTo(7);
				assertThat(actuator.refillTokens()).isEqualTo(20);
				assertThat(actuator.paths()).containsExactly("/manage", "/manage/**");
			});
	}

	@Test
	void believesTheForwardedHeaderItIsTold() {
		this.contextRunner.withPropertyValues("traffic-guard.web.forwarded-header=forwarded")
			.run((context) -> assertThat(context.getBean(ClientAddressResolver.class).getForwardedHeader())
				.isEqualTo(ForwardedHeader.FORWARDED));
	}

	@Test
	void derivesTheMostClientsPerRuleFromTheMemoryBudget() {
		this.contextRunner.withPropertyValues("traffic-guard.rate-limit.max-memory=1MB").run((context) -> {
			RateLimitFilter filter = context.getBean(RateLimitFilter.class);
			long expected = 1024 * 1024 / 2 / LocalRateLimitBackend.bytesPerClient();
			for (RateLimitRule rule : filter.rules()) {
				assertThat(filter.backend().maxClients(rule)).isEqualTo(expected);
			}
		});
		this.contextRunner.run((context) -> {
			RateLimitFilter filter = context.getBean(RateLimitFilter.class);
			long expected = Math.min(1_000_000,
					LocalRateLimitBackend.defaultMaxMemory() / 2 / LocalRateLimitBackend.bytesPerClient());
			assertThat(filter.backend().maxClients(filter.rules()[1])).isEqualTo(expected);
		});
	}

	@Test
	void failsOnAMemoryBudgetOverHalfTheHeap() {
		this.contextRunner.withPropertyValues("traffic-guard.rate-limit.max-memory=1TB")
			.run(failsWith("traffic-guard.rate-limit.max-memory=1TB: must be between 1KB and half the maximum heap"));
	}

	@Test
	void failsOnAnIpv6PrefixLengthOutOfRange() {
		this.contextRunner.withPropertyValues("traffic-guard.rate-limit.ipv6-prefix-length=129")
			.run(failsWith("traffic-guard.rate-limit.ipv6-prefix-length=129: must be between 1 and 128"));
	}

	@Test
	void failsOnAUserRuleNamedActuator() {
		this.contextRunner.withPropertyValues("traffic-guard.rate-limit.rules.actuator.capacity=5")
			.run(failsWith("traffic-guard.rate-limit.rules.actuator=actuator: must be another name"));
	}

	@Test
	void keepsTheLocalBackendWithoutTheRedisLibraries() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(LettuceBasedProxyManager.class, RedisClient.class))
			.run((context) -> assertThat(context.getBean(RateLimitFilter.class).backend())
				.isInstanceOf(LocalRateLimitBackend.class));
	}

	@Test
	void failsOnTheRedisBackendWithoutTheRedisLibraries() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(LettuceBasedProxyManager.class))
			.withPropertyValues("traffic-guard.rate-limit.backend=redis")
			.run(failsWith("traffic-guard.rate-limit.backend=redis: must be local unless "
					+ "com.bucket4j:bucket4j_jdk17-lettuce and org.springframework.boot:spring-boot-starter-data-redis"));
	}

	@Test
	void failsOnAZeroCapacity() {
		this.contextRunner.withPropertyValues("traffic-guard.rate-limit.rules.default.capacity=0")
			.run(failsWith("traffic-guard.rate-limit.rules.default.capacity=0: must be between 1 and 1000000000"));
	}

	@Test
	void failsOnARefillFasterThanATokenPerNanosecond() {
		this.contextRunner
			.withPropertyValues("traffic-guard.rate-limit.rules.default.refill-tokens=2000000",
					"traffic-guard.rate-limit.rules.default.refill-period=1ms")
			.run(failsWith("traffic-guard.rate-limit.rules.default.refill-tokens=2000000: must be at most one token"));
	}

	@Test
	void failsOnAnUnknownKeyKind() {
		this.contextRunner.withPropertyValues("traffic-guard.rate-limit.rules.api.key=cookie:session")
			.run(failsWith("traffic-guard.rate-limit.rules.api.key=cookie:session: must be one of ip, header:<Name>, principal"));
	}

	@Test
	void failsOnABadCidr() {
		this.contextRunner.withPropertyValues("traffic-guard.rate-limit.trusted-proxies=10.0.0.0/8,10.0.0.300/32")
			.run(failsWith("traffic-guard.rate-limit.trusted-proxies[1]=10.0.0.300/32: must be a CIDR block"));
	}

	@Test
	void failsOnABadPathPattern() {
		this.contextRunner.withPropertyValues("traffic-guard.rate-limit.rules.default.paths=api/**")
			.run(failsWith("traffic-guard.rate-limit.rules.default.paths[0]=api/**: must be a Spring path pattern"));
	}

	@Test
	void failsOnAnUnknownMethod() {
		this.contextRunner.withPropertyValues("traffic-guard.rate-limit.rules.default.methods=GETT")
			.run(failsWith("traffic-guard.rate-limit.rules.default.methods[0]=GETT: must be an HTTP method"));
	}

	private static ContextConsumer<AssertableWebApplicationContext> failsWith(String message) {
		return (context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new InvalidPropertyFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains(message);
		};
	}

	@Configuration(proxyBeanMethods = false)
	static class UserFilterConfiguration {

		@Bean
		RateLimitFilter userFilter() {
			return new RateLimitFilter(List.of(), RequestPathMatcher.of(List.of()),
					new LocalRateLimitBackend(List.of(), 1, 1024), RateLimitProperties.FailureMode.OPEN, true);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserAddressResolverConfiguration {

		@Bean
		ClientAddressResolver userAddressResolver() {
			return ClientAddressResolver.trusting(List.of("10.0.0.0/8"));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserKeyResolverConfiguration {

		@Bean
		ClientKeyResolver tenantKey() {
			return (request) -> request.getHeader("X-Tenant");
		}

	}

}
