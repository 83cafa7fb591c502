package dev.trafficguard.http;

import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.trafficguard.lifecycle.ShutdownTimeline;
import dev.trafficguard.properties.InvalidPropertyFailureAnalyzer;
import dev.trafficguard.properties.TrafficGuardAutoConfiguration;
import dev.trafficguard.test.Downstream;
import dev.trafficguard.test.TrafficGuardDefaultsInitializer;
import dev.trafficguard.web.Problem;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.apache.hc.core5.util.Timeout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpComponentsClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.autoconfigure.ClientHttpRequestFactoryBuilderCustomizer;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.restclient.RestTemplateBuilder;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Tests for {@link HttpClientAutoConfiguration}, against a real downstream on loopback.
 */
@ExtendWith(OutputCaptureExtension.class)
class HttpClientAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TrafficGuardAutoConfiguration.class,
				org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration.class,
				ImperativeHttpClientAutoConfiguration.class, RestClientAutoConfiguration.class,
				RestTemplateAutoConfiguration.class, HttpClientAutoConfiguration.class))
		.withInitializer(new TrafficGuardDefaultsInitializer());

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
	void everyBuilderSharesOnePoolAndReusesItsConnection() {
		this.contextRunner.run((context) -> {
			RestClient first = context.getBean(RestClient.Builder.class).build();
			RestClient second = context.getBean(RestClient.Builder.class).build();
			RestTemplateBuilder templateBuilder = context.getBean(RestTemplateBuilder.class);
			assertThat(first.get().uri(this.downstream.url() + "/a").retrieve().body(String.class)).contains("200");
			assertThat(second.get().uri(this.downstream.url() + "/b").retrieve().body(String.class)).contains("200");
			assertThat(templateBuilder.build().getForObject(this.downstream.url() + "/c", String.class))
				.contains("200");
			assertThat(this.downstream.requests()).isEqualTo(3);
			assertThat(this.downstream.connections()).isEqualTo(1);
			assertThat(context.getBean(SharedConnectionPool.class).getTotalStats().getAvailable()).isEqualTo(1);
		});
	}

	@Test
	void callBeyondThePoolsLimitWaitsTheLeaseTimeoutThenFails() throws Exception {
		// Calls to one host are refused at once past max-calls-per-host, which is at most
		// max-per-route: a lease timeout comes from the pool's total, shared with other hosts.
		try (Downstream other = new Downstream()) {
			this.contextRunner
				.withPropertyValues("traffic-guard.http-client.max-total=2", "traffic-guard.http-client.max-per-route=2",
						"traffic-guard.http-client.max-calls-per-host=2",
						"traffic-guard.http-client.lease-timeout=200ms")
				.run((context) -> {
					this.downstream.hang();
					RestClient client = context.getBean(RestClient.Builder.class).build();
					ExecutorService callers = Executors.newFixedThreadPool(2);
					try {
						List<CompletableFuture<String>> hanging = List.of(
								CompletableFuture.supplyAsync(() -> call(client), callers),
								CompletableFuture.supplyAsync(() -> call(client), callers));
						this.downstream.awaitRequests(2);
						assertThat(context.getBean(SharedConnectionPool.class).getTotalStats().getLeased())
							.isEqualTo(2);
						assertThatExceptionOfType(ResourceAccessException.class)
							.isThrownBy(() -> client.get().uri(other.url() + "/").retrieve().body(String.class))
							.withCauseInstanceOf(ConnectionRequestTimeoutException.class)
							.satisfies((ex) -> assertThat(problem(ex).status())
								.isEqualTo(HttpStatus.SERVICE_UNAVAILABLE));
						assertThat(this.downstream.requests()).isEqualTo(2);
						assertThat(other.requests()).isZero();
						this.downstream.close();
						CompletableFuture.allOf(hanging.toArray(CompletableFuture[]::new))
							.exceptionally((ex) -> null)
							.get(30, TimeUnit.SECONDS);
					}
					finally {
						callers.shutdownNow();
					}
				});
		}
	}

	@Test
	void responseTimeoutEndsAHangingCallAsAGatewayTimeout() {
		this.contextRunner.withPropertyValues("traffic-guard.http-client.response-timeout=300ms").run((context) -> {
			this.downstream.hang();
			RestClient client = context.getBean(RestClient.Builder.class).build();
			assertThatExceptionOfType(ResourceAccessException.class).isThrownBy(() -> call(client))
				.withCauseInstanceOf(SocketTimeoutException.class)
				.satisfies((ex) -> assertThat(problem(ex).status()).isEqualTo(HttpStatus.GATEWAY_TIMEOUT));
		});
	}

	@Test
	void refusedConnectionIsABadGateway() throws Exception {
		int port = Downstream.refusingPort();
		this.contextRunner.run((context) -> {
			RestClient client = context.getBean(RestClient.Builder.class).build();
			assertThatExceptionOfType(ResourceAccessException.class)
				.isThrownBy(() -> client.get().uri("http://127.0.0.1:" + port + "/").retrieve().body(String.class))
				.satisfies((ex) -> assertThat(problem(ex).status()).isEqualTo(HttpStatus.BAD_GATEWAY));
		});
	}

	@Test
	void bootsReadAndConnectTimeoutsWinOverTrafficGuards() {
		this.contextRunner
			.withPropertyValues("spring.http.clients.read-timeout=250ms", "spring.http.clients.connect-timeout=1500ms",
					"traffic-guard.http-client.response-timeout=20s")
			.run((context) -> {
				SharedConnectionPool.Settings settings = context.getBean(SharedConnectionPool.class).getSettings();
				assertThat(settings.responseTimeout()).isEqualTo(Duration.ofMillis(250));
				assertThat(settings.connectTimeout()).isEqualTo(Duration.ofMillis(1500));
				this.downstream.hang();
				assertThatExceptionOfType(ResourceAccessException.class)
					.isThrownBy(() -> call(context.getBean(RestClient.Builder.class).build()))
					.withCauseInstanceOf(SocketTimeoutException.class);
			});
	}

	@Test
	void aClientsOwnReadTimeoutWinsForThatClient() {
		this.contextRunner.withPropertyValues("traffic-guard.http-client.response-timeout=10m").run((context) -> {
			this.downstream.hang();
			RestTemplateBuilder builder = context.getBean(RestTemplateBuilder.class).readTimeout(Duration.ofMillis(200));
			// Bounded far below the pool's 10 minutes, far above 200 ms on a loaded machine.
			assertTimeoutPreemptively(Duration.ofMinutes(1), () -> assertThatExceptionOfType(ResourceAccessException.class)
				.isThrownBy(() -> builder.build().getForObject(this.downstream.url() + "/", String.class))
				.withCauseInstanceOf(SocketTimeoutException.class));
			assertThat(this.downstream.connections()).isEqualTo(1);
		});
	}

	@Test
	void usersOwnCustomizerRunsAfterTrafficGuardsAndWins() {
		this.contextRunner.withPropertyValues("traffic-guard.http-client.response-timeout=10m")
			.withUserConfiguration(UserCustomizer.class)
			.run((context) -> {
				this.downstream.hang();
				RestClient client = context.getBean(RestClient.Builder.class).build();
				// Bounded far below the pool's 10 minutes, far above 200 ms on a loaded machine.
				assertTimeoutPreemptively(Duration.ofMinutes(1),
						() -> assertThatExceptionOfType(ResourceAccessException.class).isThrownBy(() -> call(client))
							.withCauseInstanceOf(SocketTimeoutException.class));
				assertThat(this.downstream.connections()).isEqualTo(1);
				assertThat(context.getBean(SharedConnectionPool.class).getTotalStats().getLeased()).isZero();
			});
	}

	@Test
	void defaultsAndPropertiesBind() {
		this.contextRunner.run((context) -> assertThat(context.getBean(SharedConnectionPool.class).getSettings())
			.isEqualTo(new SharedConnectionPool.Settings(100, 20, Duration.ofSeconds(2), Duration.ofSeconds(1),
					Duration.ofSeconds(5), Duration.ofSeconds(90), Duration.ofMinutes(5), Duration.ofSeconds(2), 10)));
		this.contextRunner
			.withPropertyValues("traffic-guard.http-client.max-total=50", "traffic-guard.http-client.max-per-route=5",
					"traffic-guard.http-client.connect-timeout=1s", "traffic-guard.http-client.lease-timeout=100ms",
					"traffic-guard.http-client.response-timeout=5s", "traffic-guard.http-client.idle-timeout=10s",
					"traffic-guard.http-client.time-to-live=1m",
					"traffic-guard.http-client.validate-after-inactivity=500ms")
			.run((context) -> {
				SharedConnectionPool pool = context.getBean(SharedConnectionPool.class);
				assertThat(pool.getSettings()).isEqualTo(new SharedConnectionPool.Settings(50, 5, Duration.ofSeconds(1),
						Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofMinutes(1),
						Duration.ofMillis(500), 2));
				assertThat(pool.getConnectionManager().getMaxTotal()).isEqualTo(50);
				assertThat(pool.getConnectionManager().getDefaultMaxPerRoute()).isEqualTo(5);
			});
	}

	@Test
	void aHostThatNeverAnswersHoldsAtMostMaxCallsPerHostAndFurtherCallsAreRefusedAtOnce() throws Exception {
		try (Downstream healthy = new Downstream()) {
			this.contextRunner
				.withPropertyValues("traffic-guard.http-client.max-calls-per-host=3",
						"traffic-guard.http-client.response-timeout=10m")
				.run((context) -> {
					RestClient client = context.getBean(RestClient.Builder.class).build();
					SharedConnectionPool pool = context.getBean(SharedConnectionPool.class);
					this.downstream.hang();
					ExecutorService callers = Executors.newFixedThreadPool(3);
					try {
						List<CompletableFuture<Void>> hanging = new java.util.ArrayList<>();
						for (int i = 0; i < 3; i++) {
							hanging.add(CompletableFuture.runAsync(() -> call(client), callers));
						}
						this.downstream.awaitRequests(3);
						for (int i = 0; i < 20; i++) {
							assertThatExceptionOfType(ResourceAccessException.class).isThrownBy(() -> call(client))
								.withCauseInstanceOf(BulkheadFullException.class)
								.satisfies((ex) -> {
									Problem problem = new DownstreamProblemMapper().map(ex);
									assertThat(problem.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
									assertThat(problem.retryAfter()).isEqualTo(Duration.ofSeconds(1));
								});
						}
						assertThat(this.downstream.requests()).isEqualTo(3);
						assertThat(pool.getTotalStats().getLeased()).isEqualTo(3);
						// Another host is not held back by the hanging one.
						assertThat(client.get().uri(healthy.url() + "/").retrieve().body(String.class))
							.isEqualTo("{\"status\":200}");
						HttpClientContributor.Calls calls = ((HttpClientContributor.Section) context
							.getBean(HttpClientContributor.class)
							.describe()).calls();
						assertThat(calls.inFlight()).isEqualTo(3);
						assertThat(calls.inFlightByHost()).containsExactly(java.util.Map.entry(this.downstream.url(), 3));
						assertThat(calls.bulkheadRejected()).isEqualTo(20);
						assertThat(calls.unsent()).isZero();
						MeterRegistry registry = new SimpleMeterRegistry();
						context.getBeansOfType(MeterBinder.class).values().forEach((binder) -> binder.bindTo(registry));
						assertThat(registry.get("traffic.guard.http-client.bulkhead.rejected").functionCounter().count())
							.isEqualTo(20);
						assertThat(registry.get("traffic.guard.http-client.calls.in-flight").gauge().value())
							.isEqualTo(3);
						this.downstream.close();
						for (CompletableFuture<Void> call : hanging) {
							assertThat(call).failsWithin(Duration.ofSeconds(30));
						}
						assertThat(pool.getHostBulkhead().getCallsInFlight()).isZero();
						assertThat(pool.getHostBulkhead().callsInFlightByHost(10)).isEmpty();
					}
					finally {
						callers.shutdownNow();
					}
				});
		}
	}

	@Test
	void anInvalidRequestIsNotSentIsAServerErrorNotABadGatewayAndIsLoggedOnce(CapturedOutput output) {
		this.contextRunner.run((context) -> {
			RestClient client = context.getBean(RestClient.Builder.class).build();
			String withUserInfo = "http://user:secret@127.0.0.1:" + this.downstream.port() + "/";
			for (int i = 0; i < 20; i++) {
				assertThatExceptionOfType(ResourceAccessException.class)
					.isThrownBy(() -> client.get().uri(withUserInfo).retrieve().toBodilessEntity())
					.withCauseInstanceOf(RequestNotSentException.class)
					.satisfies((ex) -> {
						Problem problem = new DownstreamProblemMapper().map(ex);
						assertThat(problem.status()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
						assertThat(problem.detail()).doesNotContain("127.0.0.1").doesNotContain("secret");
					});
			}
			assertThat(this.downstream.connections()).isZero();
			HttpClientContributor.Section section = (HttpClientContributor.Section) context
				.getBean(HttpClientContributor.class)
				.describe();
			assertThat(section.calls().unsent()).isEqualTo(20);
			assertThat(section.calls().inFlight()).isZero();
			assertThat(output.getOut().lines()
				.filter((line) -> line.contains("WARN") && line.contains("was not sent"))
				.count()).isOne();
			assertThat(output.getOut()).contains("deprecated userinfo component");
			// The client still works for valid requests.
			assertThat(call(client)).isEqualTo("{\"status\":200}");
		});
	}

	@Test
	void invalidValueFailsStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("traffic-guard.http-client.max-per-route=500").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new InvalidPropertyFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription())
				.contains("traffic-guard.http-client.max-per-route=500: must be between 1 and 100");
		});
	}

	@Test
	void disabledLeavesBootsOwnPools() {
		this.contextRunner.withPropertyValues("traffic-guard.http-client.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(SharedConnectionPool.class)
				.doesNotHaveBean(SharedPoolCustomizer.class)
				.hasSingleBean(RestClient.Builder.class));
		this.contextRunner.withPropertyValues("traffic-guard.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(SharedConnectionPool.class));
	}

	@Test
	void usersOwnRequestFactoryBuilderWins() {
		this.contextRunner.withUserConfiguration(UserRequestFactoryBuilder.class).run((context) -> {
			call(context.getBean(RestClient.Builder.class).build());
			assertThat(context.getBean(SharedConnectionPool.class).getTotalStats().getAvailable()).isZero();
		});
	}

	@Test
	void poolMetricsAreBound() {
		this.contextRunner.run((context) -> {
			MeterRegistry registry = new SimpleMeterRegistry();
			context.getBeansOfType(MeterBinder.class).values().forEach((binder) -> binder.bindTo(registry));
			call(context.getBean(RestClient.Builder.class).build());
			assertThat(registry.get("httpcomponents.httpclient.pool.total.max").tag("httpclient", "traffic-guard")
				.gauge()
				.value()).isEqualTo(100);
			assertThat(registry.get("httpcomponents.httpclient.pool.total.connections")
				.tag("httpclient", "traffic-guard")
				.tag("state", "available")
				.gauge()
				.value()).isEqualTo(1);
		});
	}

	@Test
	void endpointSectionShowsLimitsSourcesAndHosts() {
		this.contextRunner.withPropertyValues("traffic-guard.http-client.max-total=40", "spring.http.clients.read-timeout=5s")
			.run((context) -> {
				call(context.getBean(RestClient.Builder.class).build());
				HttpClientContributor.Section section = (HttpClientContributor.Section) context
					.getBean(HttpClientContributor.class)
					.describe();
				assertThat(section.settings().get("max-total").value()).isEqualTo(40);
				assertThat(section.settings().get("max-total").source()).isEqualTo("user");
				assertThat(section.settings().get("max-per-route").source()).isEqualTo("default");
				assertThat(section.settings().get("response-timeout").value()).isEqualTo("5s");
				assertThat(section.settings().get("response-timeout").source())
					.isEqualTo("user (spring.http.clients.read-timeout)");
				assertThat(section.connections().available()).isEqualTo(1);
				assertThat(section.hosts()).singleElement()
					.satisfies((host) -> assertThat(host.host()).isEqualTo(this.downstream.url()));
			});
	}

	@Test
	void poolClosesAtShutdownAndReportsToTheTimeline() {
		ShutdownTimeline[] timeline = new ShutdownTimeline[1];
		SharedConnectionPool[] pool = new SharedConnectionPool[1];
		this.contextRunner.run((context) -> {
			call(context.getBean(RestClient.Builder.class).build());
			timeline[0] = context.getBean(ShutdownTimeline.class);
			pool[0] = context.getBean(SharedConnectionPool.class);
		});
		assertThat(pool[0].getConnectionManager().isClosed()).isTrue();
		assertThat(timeline[0].entries()).extracting(ShutdownTimeline.Entry::phase, ShutdownTimeline.Entry::event)
			.containsExactly(tuple("http-client pool", "started"),
					tuple("http-client pool", "ended"));
		assertThat(timeline[0].entries().get(1).counts()).containsEntry("leased-at-close", 0)
			.containsEntry("available-closed", 1);
	}

	@Test
	void aStoppedContextStartsAgainWithItsPoolAndOnlyClosingClosesIt() {
		ShutdownTimeline[] timeline = new ShutdownTimeline[1];
		SharedConnectionPool[] pool = new SharedConnectionPool[1];
		this.contextRunner.run((context) -> {
			timeline[0] = context.getBean(ShutdownTimeline.class);
			pool[0] = context.getBean(SharedConnectionPool.class);
			RestClient client = context.getBean(RestClient.Builder.class).build();
			call(client);
			context.stop();
			assertThat(pool[0].isRunning()).isFalse();
			assertThat(pool[0].getConnectionManager().isClosed()).isFalse();
			context.start();
			assertThat(pool[0].isRunning()).isTrue();
			assertThat(call(client)).contains("200");
			assertThat(this.downstream.connections()).isEqualTo(1);
			assertThat(timeline[0].entries()).isEmpty();
		});
		assertThat(pool[0].getConnectionManager().isClosed()).isTrue();
		assertThat(timeline[0].entries()).extracting(ShutdownTimeline.Entry::phase, ShutdownTimeline.Entry::event)
			.containsExactly(tuple("http-client pool", "started"), tuple("http-client pool", "ended"));
	}

	private String call(RestClient client) {
		return client.get().uri(this.downstream.url() + "/").retrieve().body(String.class);
	}

	private static Problem problem(Throwable ex) {
		Problem problem = new DownstreamProblemMapper().map(ex);
		assertThat(problem).isNotNull();
		return problem;
	}

	@Configuration(proxyBeanMethods = false)
	static class UserCustomizer {

		@Bean
		ClientHttpRequestFactoryBuilderCustomizer<HttpComponentsClientHttpRequestFactoryBuilder> userCustomizer() {
			return (builder) -> builder.withDefaultRequestConfigCustomizer(
					(config) -> config.setResponseTimeout(Timeout.ofMilliseconds(200)));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserRequestFactoryBuilder {

		@Bean
		ClientHttpRequestFactoryBuilder<?> userRequestFactoryBuilder() {
			return ClientHttpRequestFactoryBuilder.jdk();
		}

	}

}
