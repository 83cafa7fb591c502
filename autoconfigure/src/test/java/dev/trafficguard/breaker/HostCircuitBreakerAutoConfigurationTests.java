package dev.trafficguard.breaker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.trafficguard.http.HttpClientAutoConfiguration;
import dev.trafficguard.properties.InvalidPropertyFailureAnalyzer;
import dev.trafficguard.properties.TrafficGuardAutoConfiguration;
import dev.trafficguard.test.Downstream;
import dev.trafficguard.test.TrafficGuardDefaultsInitializer;
import dev.trafficguard.web.Problem;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.apache.hc.core5.http.ProtocolException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.http.client.HttpComponentsClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.http.HttpStatus;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link HostCircuitBreakerAutoConfiguration}, against a real downstream on
 * loopback.
 */
class HostCircuitBreakerAutoConfigurationTests {

	private final ApplicationContextRunner baseRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TrafficGuardAutoConfiguration.class,
				org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration.class,
				ImperativeHttpClientAutoConfiguration.class, RestClientAutoConfiguration.class,
				CircuitBreakerAutoConfiguration.class, HttpClientAutoConfiguration.class,
				HostCircuitBreakerAutoConfiguration.class));

	private final ApplicationContextRunner defaultsRunner = this.baseRunner
		.withInitializer(new TrafficGuardDefaultsInitializer());

	// A 2-minute window instead of 10 s: on a loaded machine 10 calls must not fall out of it.
	// Set with its type: a window size alone keeps resilience4j's COUNT_BASED type.
	private final ApplicationContextRunner contextRunner = this.defaultsRunner.withPropertyValues(
			"resilience4j.circuitbreaker.configs.default.sliding-window-type=TIME_BASED",
			"resilience4j.circuitbreaker.configs.default.sliding-window-size=120");

	private Downstream downstream;

	@BeforeEach
	void startDownstream() throws Exception {
		this.downstream = new Downstream();
	}

	@AfterEach
	void stopDownstream() throws Exception {
		this.downstream.close();
	}

	@Test
	void opensAfterTenFailingCallsThenFailsAtOnceWithoutReachingTheServer() {
		this.contextRunner.run((context) -> {
			RestClient client = context.getBean(RestClient.Builder.class).build();
			this.downstream.answer(500);
			for (int i = 0; i < 9; i++) {
				assertThatExceptionOfType(HttpServerErrorException.class).isThrownBy(() -> call(client));
			}
			assertThat(breaker(context).getState()).isEqualTo(CircuitBreaker.State.CLOSED);
			assertThatExceptionOfType(HttpServerErrorException.class).isThrownBy(() -> call(client));
			assertThat(breaker(context).getState()).isEqualTo(CircuitBreaker.State.OPEN);
			assertThat(this.downstream.requests()).isEqualTo(10);
			this.downstream.answer(200);
			for (int i = 0; i < 5; i++) {
				assertThatExceptionOfType(CallNotPermittedException.class).isThrownBy(() -> call(client))
					.satisfies((ex) -> {
						Problem problem = context.getBean(CircuitBreakerProblemMapper.class).map(ex);
						assertThat(problem.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
						assertThat(problem.retryAfter()).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(30));
					});
			}
			assertThat(this.downstream.requests()).isEqualTo(10);
			assertThat(breaker(context).getMetrics().getNumberOfNotPermittedCalls()).isEqualTo(5);
		});
	}

	@Test
	void connectionFailuresAndTimeoutsCountAsFailures() throws Exception {
		int refusing = Downstream.refusingPort();
		this.contextRunner.withPropertyValues("traffic-guard.http-client.response-timeout=100ms").run((context) -> {
			RestClient client = context.getBean(RestClient.Builder.class).build();
			this.downstream.hang();
			assertThatExceptionOfType(ResourceAccessException.class).isThrownBy(() -> call(client));
			assertThat(breaker(context).getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
			assertThatExceptionOfType(ResourceAccessException.class)
				.isThrownBy(() -> client.get().uri("http://127.0.0.1:" + refusing + "/").retrieve().toBodilessEntity());
			CircuitBreaker refused = context.getBean(CircuitBreakerRegistry.class).circuitBreaker("127.0.0.1:" + refusing);
			assertThat(refused.getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
		});
	}

	@Test
	void leaseTimeoutsWhileOtherHostsFillThePoolDoNotTripTheCalledHostsBreaker() throws Exception {
		try (Downstream slow = new Downstream()) {
			this.contextRunner
				.withPropertyValues("traffic-guard.http-client.max-total=2", "traffic-guard.http-client.max-per-route=2",
						"traffic-guard.http-client.max-calls-per-host=2", "traffic-guard.http-client.lease-timeout=100ms")
				.run((context) -> {
					RestClient client = context.getBean(RestClient.Builder.class).build();
					slow.hang();
					ExecutorService callers = Executors.newFixedThreadPool(2);
					try {
						List<Future<?>> hanging = new ArrayList<>();
						for (int i = 0; i < 2; i++) {
							hanging.add(callers.submit(
									() -> client.get().uri(slow.url() + "/").retrieve().toBodilessEntity()));
						}
						slow.awaitRequests(2);
						// Enough lease timeouts to open the breaker, were they failures.
						for (int i = 0; i < 10; i++) {
							assertThatExceptionOfType(ResourceAccessException.class).isThrownBy(() -> call(client))
								.withCauseInstanceOf(ConnectionRequestTimeoutException.class);
						}
						CircuitBreaker healthy = breaker(context);
						assertThat(healthy.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
						assertThat(healthy.getMetrics().getNumberOfBufferedCalls()).isZero();
						// A half-open breaker keeps its trial calls (3) for calls that reach the host.
						healthy.transitionToOpenState();
						healthy.transitionToHalfOpenState();
						for (int i = 0; i < 4; i++) {
							assertThatExceptionOfType(ResourceAccessException.class).isThrownBy(() -> call(client))
								.withCauseInstanceOf(ConnectionRequestTimeoutException.class);
						}
						assertThat(healthy.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
						assertThat(this.downstream.requests()).isZero();
						slow.close();
						for (Future<?> call : hanging) {
							assertThatExceptionOfType(ExecutionException.class)
								.isThrownBy(() -> call.get(30, TimeUnit.SECONDS));
						}
						call(client);
						call(client);
						call(client);
						assertThat(healthy.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
						assertThat(this.downstream.requests()).isEqualTo(3);
					}
					finally {
						callers.shutdownNow();
					}
				});
		}
	}

	@Test
	void callsHangingPastTheSlowCallThresholdOpenTheBreakerWhileTheyHang() {
		this.contextRunner
			.withPropertyValues("resilience4j.circuitbreaker.configs.default.slow-call-duration-threshold=200ms",
					"traffic-guard.http-client.response-timeout=10m", "traffic-guard.http-client.max-calls-per-host=20")
			.run((context) -> {
				RestClient client = context.getBean(RestClient.Builder.class).build();
				CircuitBreaker breaker = breaker(context);
				CountDownLatch opened = new CountDownLatch(1);
				breaker.getEventPublisher().onStateTransition((event) -> {
					if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
						opened.countDown();
					}
				});
				this.downstream.hang();
				ExecutorService callers = Executors.newFixedThreadPool(10);
				try {
					List<Future<?>> hanging = new ArrayList<>();
					for (int i = 0; i < 10; i++) {
						hanging.add(callers.submit(() -> call(client)));
					}
					this.downstream.awaitRequests(10);
					assertThat(opened.await(30, TimeUnit.SECONDS)).isTrue();
					// Open while every call still hangs: none has ended.
					assertThat(hanging).noneMatch(Future::isDone);
					assertThat(breaker.getMetrics().getNumberOfSlowCalls()).isEqualTo(10);
					assertThatExceptionOfType(CallNotPermittedException.class).isThrownBy(() -> call(client));
					CircuitBreakerContributor.Section section = (CircuitBreakerContributor.Section) context
						.getBean(CircuitBreakerContributor.class)
						.describe();
					assertThat(section.slowWhileRunningCalls()).isEqualTo(10);
					this.downstream.close();
					for (Future<?> call : hanging) {
						assertThatExceptionOfType(ExecutionException.class)
							.isThrownBy(() -> call.get(30, TimeUnit.SECONDS));
					}
					// Each call is recorded once: the ends of calls recorded as slow are not.
					assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isEqualTo(10);
					assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
				}
				finally {
					callers.shutdownNow();
				}
			});
	}

	@Test
	void requestsThatNeverLeaveTheProcessDoNotCountAgainstTheHost() {
		this.contextRunner.run((context) -> assertInvalidRequestsAreNotCounted(context));
		this.contextRunner.withPropertyValues("traffic-guard.http-client.enabled=false")
			.run((context) -> assertInvalidRequestsAreNotCounted(context));
	}

	private void assertInvalidRequestsAreNotCounted(AssertableApplicationContext context) {
		RestClient client = context.getBean(RestClient.Builder.class).build();
		int connections = this.downstream.connections();
		String withUserInfo = "http://user:secret@127.0.0.1:" + this.downstream.port() + "/";
		for (int i = 0; i < 20; i++) {
			assertThatExceptionOfType(ResourceAccessException.class)
				.isThrownBy(() -> client.get().uri(withUserInfo).retrieve().toBodilessEntity())
				.withRootCauseInstanceOf(ProtocolException.class);
		}
		CircuitBreaker breaker = breaker(context);
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isZero();
		assertThat(this.downstream.connections()).isEqualTo(connections);
		CircuitBreakerContributor.Section section = (CircuitBreakerContributor.Section) context
			.getBean(CircuitBreakerContributor.class)
			.describe();
		assertThat(section.notSentCalls()).isEqualTo(20);
		// A half-open breaker keeps its trial calls for requests that reach the host.
		breaker.transitionToOpenState();
		breaker.transitionToHalfOpenState();
		for (int i = 0; i < 5; i++) {
			assertThatExceptionOfType(ResourceAccessException.class)
				.isThrownBy(() -> client.get().uri(withUserInfo).retrieve().toBodilessEntity());
		}
		call(client);
		call(client);
		call(client);
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void halfOpenLetsThreeTrialCallsThroughAndClosesWhenTheySucceed() {
		this.contextRunner.run((context) -> {
			RestClient client = context.getBean(RestClient.Builder.class).build();
			this.downstream.answer(500);
			for (int i = 0; i < 10; i++) {
				assertThatExceptionOfType(HttpServerErrorException.class).isThrownBy(() -> call(client));
			}
			CircuitBreaker breaker = breaker(context);
			assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
			// What the wait in the open state ends with; waiting 30 s would be a sleep.
			breaker.transitionToHalfOpenState();
			this.downstream.answer(200);
			call(client);
			call(client);
			assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
			call(client);
			assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
			assertThat(this.downstream.requests()).isEqualTo(13);
		});
	}

	@Test
	void clientErrorsDoNotTripTheBreaker() {
		this.contextRunner.run((context) -> {
			RestClient client = context.getBean(RestClient.Builder.class).build();
			this.downstream.answer(404);
			for (int i = 0; i < 20; i++) {
				assertThatExceptionOfType(HttpClientErrorException.class).isThrownBy(() -> call(client));
			}
			assertThat(breaker(context).getState()).isEqualTo(CircuitBreaker.State.CLOSED);
			assertThat(breaker(context).getMetrics().getNumberOfFailedCalls()).isZero();
			assertThat(breaker(context).getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(20);
		});
	}

	@Test
	void failureStatusesAreConfigurable() {
		this.contextRunner.withPropertyValues("traffic-guard.circuit-breaker.failure-statuses=429,502").run((context) -> {
			RestClient client = context.getBean(RestClient.Builder.class).build();
			this.downstream.answer(500);
			assertThatExceptionOfType(HttpServerErrorException.class).isThrownBy(() -> call(client));
			this.downstream.answer(502);
			assertThatExceptionOfType(HttpServerErrorException.class).isThrownBy(() -> call(client));
			assertThat(breaker(context).getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
			assertThat(breaker(context).getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
		});
	}

	@Test
	void usersInstanceConfigurationWinsForItsHost() {
		String instance = "resilience4j.circuitbreaker.instances[127.0.0.1:" + this.downstream.port() + "].";
		// A map, as in YAML: the property-values shorthand splits "key:value" at the colon.
		Map<String, Object> userProperties = Map.of(instance + "minimum-number-of-calls", 2,
				instance + "sliding-window-type", "COUNT_BASED", instance + "sliding-window-size", 2);
		this.contextRunner
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("user", userProperties)))
			.run((context) -> {
				RestClient client = context.getBean(RestClient.Builder.class).build();
				this.downstream.answer(503);
				// Apache HttpClient retries a 503 once by itself: each call is two attempts.
				assertThatExceptionOfType(HttpServerErrorException.class).isThrownBy(() -> call(client));
				assertThat(breaker(context).getState()).isEqualTo(CircuitBreaker.State.OPEN);
				assertThatExceptionOfType(CallNotPermittedException.class).isThrownBy(() -> call(client));
			});
	}

	@Test
	void tunedDefaultsGoToResilience4jsDefaultConfigAndTheUsersValuesWin() {
		this.defaultsRunner.run((context) -> {
			CircuitBreakerConfig config = context.getBean(CircuitBreakerRegistry.class).getDefaultConfig();
			assertThat(config.getSlidingWindowType()).isEqualTo(CircuitBreakerConfig.SlidingWindowType.TIME_BASED);
			assertThat(config.getSlidingWindowSize()).isEqualTo(10);
			assertThat(config.getMinimumNumberOfCalls()).isEqualTo(10);
			assertThat(config.getFailureRateThreshold()).isEqualTo(50);
			assertThat(config.getWaitIntervalFunctionInOpenState().apply(1)).isEqualTo(30_000);
			assertThat(config.getPermittedNumberOfCallsInHalfOpenState()).isEqualTo(3);
			assertThat(config.getSlowCallDurationThreshold()).isEqualTo(Duration.ofSeconds(2));
			assertThat(config.isWritableStackTraceEnabled()).isFalse();
		});
		this.defaultsRunner
			.withPropertyValues("resilience4j.circuitbreaker.configs.default.failure-rate-threshold=70",
					"resilience4j.circuitbreaker.configs.default.wait-duration-in-open-state=5s")
			.run((context) -> {
				CircuitBreakerConfig config = context.getBean(CircuitBreakerRegistry.class).getDefaultConfig();
				assertThat(config.getFailureRateThreshold()).isEqualTo(70);
				assertThat(config.getWaitIntervalFunctionInOpenState().apply(1)).isEqualTo(5_000);
				assertThat(config.getMinimumNumberOfCalls()).isEqualTo(10);
				CircuitBreakerContributor.Section section = (CircuitBreakerContributor.Section) context
					.getBean(CircuitBreakerContributor.class)
					.describe();
				assertThat(section.settings().get(CircuitBreakerPropertyDefaults.PREFIX + "failure-rate-threshold"))
					.satisfies((setting) -> assertThat(setting.source()).isEqualTo("user"));
				assertThat(section.settings().get(CircuitBreakerPropertyDefaults.PREFIX + "minimum-number-of-calls"))
					.satisfies((setting) -> assertThat(setting.source()).isEqualTo("traffic-guard"));
			});
	}

	@Test
	void aUsersWindowSizeKeepsResilience4jsCountBasedWindow() {
		this.defaultsRunner.withPropertyValues("resilience4j.circuitbreaker.configs.default.sliding-window-size=100")
			.run((context) -> {
				CircuitBreakerConfig config = context.getBean(CircuitBreakerRegistry.class).getDefaultConfig();
				assertThat(config.getSlidingWindowType()).isEqualTo(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED);
				assertThat(config.getSlidingWindowSize()).isEqualTo(100);
				assertThat(config.getMinimumNumberOfCalls()).isEqualTo(10);
				CircuitBreakerContributor.Section section = (CircuitBreakerContributor.Section) context
					.getBean(CircuitBreakerContributor.class)
					.describe();
				assertThat(section.settings().get(CircuitBreakerPropertyDefaults.SLIDING_WINDOW_TYPE))
					.satisfies((setting) -> assertThat(setting.source()).isEqualTo("default"));
			});
		// Relaxed names count: an environment variable sets the type alone.
		this.baseRunner
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource("test-systemEnvironment",
						Map.of("RESILIENCE4J_CIRCUITBREAKER_CONFIGS_DEFAULT_SLIDINGWINDOWTYPE", "COUNT_BASED"))))
			.withInitializer(new TrafficGuardDefaultsInitializer())
			.run((context) -> {
				CircuitBreakerConfig config = context.getBean(CircuitBreakerRegistry.class).getDefaultConfig();
				assertThat(config.getSlidingWindowType()).isEqualTo(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED);
				assertThat(config.getSlidingWindowSize()).isEqualTo(CircuitBreakerConfig.DEFAULT_SLIDING_WINDOW_SIZE);
			});
	}

	@Test
	void anInstanceWithItsOwnBaseConfigDoesNotInheritTheTunedDefaults() {
		this.defaultsRunner
			.withPropertyValues("resilience4j.circuitbreaker.configs.plain.failure-rate-threshold=40",
					"resilience4j.circuitbreaker.instances.payments.base-config=plain")
			.run((context) -> {
				CircuitBreakerRegistry registry = context.getBean(CircuitBreakerRegistry.class);
				CircuitBreakerConfig config = registry.circuitBreaker("payments").getCircuitBreakerConfig();
				assertThat(config.getFailureRateThreshold()).isEqualTo(40);
				assertThat(config.getSlidingWindowType()).isEqualTo(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED);
				assertThat(config.getMinimumNumberOfCalls()).isEqualTo(CircuitBreakerConfig.DEFAULT_MINIMUM_NUMBER_OF_CALLS);
				assertThat(config.isWritableStackTraceEnabled()).isTrue();
				assertThat(registry.getDefaultConfig().getMinimumNumberOfCalls()).isEqualTo(10);
			});
	}

	@Test
	void defaultsAreContributedOnlyWhenTheHostBreakersCanBeActive() {
		assertThat(contributed(getClass().getClassLoader())).containsEntry(CircuitBreakerPropertyDefaults.SLIDING_WINDOW_TYPE,
				"TIME_BASED")
			.containsEntry(CircuitBreakerPropertyDefaults.PREFIX + "minimum-number-of-calls", 10);
		assertThat(contributed(new FilteredClassLoader(ExecChainHandler.class))).isEmpty();
		assertThat(contributed(new FilteredClassLoader(CircuitBreakerAutoConfiguration.class))).isEmpty();
		assertThat(contributed(new FilteredClassLoader(HttpComponentsClientHttpRequestFactoryBuilder.class))).isEmpty();
	}

	private static Map<String, Object> contributed(ClassLoader classLoader) {
		Map<String, Object> defaults = new LinkedHashMap<>();
		new CircuitBreakerPropertyDefaults(classLoader).contribute(new StandardEnvironment(), defaults);
		return defaults;
	}

	@Test
	void theNumberOfHostsWithABreakerIsBounded() {
		this.contextRunner.withPropertyValues("traffic-guard.circuit-breaker.max-hosts=1").run((context) -> {
			RestClient client = context.getBean(RestClient.Builder.class).build();
			call(client);
			client.get().uri("http://localhost:" + this.downstream.port() + "/").retrieve().toBodilessEntity();
			HostCircuitBreakers breakers = context.getBean(HostCircuitBreakers.class);
			assertThat(breakers.all()).extracting(CircuitBreaker::getName)
				.containsExactly("127.0.0.1:" + this.downstream.port());
			assertThat(breakers.getUntrackedCalls()).isEqualTo(1);
			assertThat(this.downstream.requests()).isEqualTo(2);
		});
	}

	@Test
	void endpointSectionShowsEachHostsBreaker() {
		this.contextRunner.run((context) -> {
			RestClient client = context.getBean(RestClient.Builder.class).build();
			this.downstream.answer(500);
			for (int i = 0; i < 10; i++) {
				assertThatExceptionOfType(HttpServerErrorException.class).isThrownBy(() -> call(client));
			}
			CircuitBreakerContributor.Section section = (CircuitBreakerContributor.Section) context
				.getBean(CircuitBreakerContributor.class)
				.describe();
			assertThat(section.hosts()).containsOnlyKeys("127.0.0.1:" + this.downstream.port());
			CircuitBreakerContributor.HostBreaker host = section.hosts().get("127.0.0.1:" + this.downstream.port());
			assertThat(host.state()).isEqualTo("OPEN");
			assertThat(host.failedCalls()).isEqualTo(10);
			assertThat(host.openForSeconds()).isBetween(1L, 30L);
		});
	}

	@Test
	void invalidFailureStatusFailsStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("traffic-guard.circuit-breaker.failure-statuses=6xx").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new InvalidPropertyFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("traffic-guard.circuit-breaker.failure-statuses=6xx");
		});
	}

	@Test
	void disabledLeavesCallsWithoutBreakers() {
		this.contextRunner.withPropertyValues("traffic-guard.circuit-breaker.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(HostCircuitBreakers.class).doesNotHaveBean(CircuitBreakerProblemMapper.class);
			call(context.getBean(RestClient.Builder.class).build());
			assertThat(context.getBean(CircuitBreakerRegistry.class).getAllCircuitBreakers()).isEmpty();
			assertThat(context.getBean(CircuitBreakerRegistry.class).getDefaultConfig().getMinimumNumberOfCalls())
				.isEqualTo(CircuitBreakerConfig.DEFAULT_MINIMUM_NUMBER_OF_CALLS);
		});
		this.contextRunner.withPropertyValues("traffic-guard.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(HostCircuitBreakers.class));
	}

	@Test
	void usersOwnBreakersWin() {
		this.contextRunner.withUserConfiguration(UserBreakers.class).run((context) -> {
			assertThat(context.getBean(HostCircuitBreakers.class).getMaxHosts()).isEqualTo(7);
		});
	}

	@Test
	void worksWithoutTheSharedPool() {
		this.contextRunner.withPropertyValues("traffic-guard.http-client.enabled=false").run((context) -> {
			this.downstream.answer(500);
			assertThatExceptionOfType(HttpServerErrorException.class)
				.isThrownBy(() -> call(context.getBean(RestClient.Builder.class).build()));
			assertThat(breaker(context).getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
		});
	}

	private CircuitBreaker breaker(AssertableApplicationContext context) {
		return context.getBean(CircuitBreakerRegistry.class).circuitBreaker("127.0.0.1:" + this.downstream.port());
	}

	private String call(RestClient client) {
		return client.get().uri(this.downstream.url() + "/").retrieve().body(String.class);
	}

	@Configuration(proxyBeanMethods = false)
	static class UserBreakers {

		@Bean
		HostCircuitBreakers userHostCircuitBreakers(CircuitBreakerRegistry registry) {
			return new HostCircuitBreakers(registry, 7);
		}

	}

}
