package dev.trafficguard.audit;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.BlockingQueue;

import com.zaxxer.hikari.HikariDataSource;
import dev.trafficguard.actuate.TrafficGuardContributor;
import dev.trafficguard.http.HttpClientAutoConfiguration;
import dev.trafficguard.properties.InvalidPropertyException;
import dev.trafficguard.properties.TrafficGuardAutoConfiguration;
import dev.trafficguard.test.TrafficGuardDefaultsInitializer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.env.EnvironmentEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.management.HeapDumpWebEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.management.ThreadDumpEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestTemplateAutoConfiguration;
import org.springframework.boot.test.context.assertj.ApplicationContextAssertProvider;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link StartupAudit} and {@link AuditAutoConfiguration}: each anti-pattern alone
 * in a context makes exactly its finding, with its fix.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupAuditTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TrafficGuardAutoConfiguration.class, AuditAutoConfiguration.class));

	private final WebApplicationContextRunner webContextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TrafficGuardAutoConfiguration.class, AuditAutoConfiguration.class));

	@Test
	void reportsNothingAndLogsNothingForAnApplicationWithoutAntiPatterns(CapturedOutput output) {
		this.webContextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			StartupAudit audit = context.getBean(StartupAudit.class);
			assertThat(audit.hasRun()).isTrue();
			assertThat(audit.getFindings()).isEmpty();
		});
		assertThat(output).doesNotContain("Traffic Guard audit");
	}

	@Test
	void threadPoolExecutorOverAnUnboundedQueue() {
		this.contextRunner.withBean("reportExecutor", ExecutorService.class, () -> Executors.newFixedThreadPool(2))
			.run((context) -> assertOnlyFinding(context, FindingType.EXECUTOR_UNBOUNDED_QUEUE, "bean 'reportExecutor'",
					"ThreadPoolExecutor over an unbounded LinkedBlockingQueue"));
	}

	@Test
	void threadPoolTaskExecutorWithItsDefaultQueue() {
		this.contextRunner.withBean("jobExecutor", ThreadPoolTaskExecutor.class, ThreadPoolTaskExecutor::new)
			.run((context) -> assertOnlyFinding(context, FindingType.EXECUTOR_UNBOUNDED_QUEUE, "bean 'jobExecutor'",
					"queue capacity Integer.MAX_VALUE"));
	}

	@Test
	void cachedThreadPool() {
		this.contextRunner.withBean("cached", ExecutorService.class, Executors::newCachedThreadPool)
			.run((context) -> assertOnlyFinding(context, FindingType.EXECUTOR_UNBOUNDED_THREADS, "bean 'cached'",
					"a cached thread pool"));
	}

	@Test
	void simpleAsyncTaskExecutorWithoutConcurrencyLimit() {
		this.contextRunner.withBean("simple", SimpleAsyncTaskExecutor.class, SimpleAsyncTaskExecutor::new)
			.run((context) -> assertOnlyFinding(context, FindingType.EXECUTOR_UNBOUNDED_THREADS, "bean 'simple'",
					"SimpleAsyncTaskExecutor with no concurrency limit"));
	}

	@Test
	void boundedExecutorsAreNotReported() {
		this.contextRunner.withBean("limited", SimpleAsyncTaskExecutor.class, () -> {
			SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor();
			executor.setConcurrencyLimit(8);
			return executor;
		}).withBean("pool", ThreadPoolTaskExecutor.class, () -> {
			ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
			executor.setQueueCapacity(100);
			executor.setMaxPoolSize(8);
			return executor;
		}).run((context) -> assertThat(findings(context)).isEmpty());
	}

	@Test
	void asyncMethodsOnSpringsFallbackExecutor() {
		this.contextRunner.withUserConfiguration(AsyncWithoutExecutorConfiguration.class)
			.run((context) -> assertOnlyFinding(context, FindingType.ASYNC_UNBOUNDED, "bean 'mailer'",
					"@Async send run on the default @Async executor, "
							+ "a SimpleAsyncTaskExecutor with no concurrency limit"));
	}

	@Test
	void asyncMethodsOfAClassOnAnUnboundedExecutorNamedByItsQualifier() {
		this.contextRunner.withUserConfiguration(AsyncOnUnboundedExecutorConfiguration.class)
			.withPropertyValues("traffic-guard.audit.ignore=executor.unbounded-threads")
			.run((context) -> assertOnlyFinding(context, FindingType.ASYNC_UNBOUNDED, "bean 'reports'",
					"@Async render, mail run on executor 'cached', a ThreadPoolExecutor with maximumPoolSize"));
	}

	@Test
	void lazyBeansAreNotCreatedForTheAudit() {
		this.contextRunner.withBean("cached", ExecutorService.class, Executors::newCachedThreadPool,
				(definition) -> definition.setLazyInit(true))
			.run((context) -> {
				assertThat(findings(context)).isEmpty();
				assertThat(context.getBeanFactory().containsSingleton("cached")).isFalse();
			});
	}

	@Test
	void asyncMethodsOnABoundedExecutorAreNotReported() {
		this.contextRunner.withUserConfiguration(AsyncOnBoundedExecutorConfiguration.class)
			.run((context) -> assertThat(findings(context)).isEmpty());
	}

	@Test
	void restTemplateOfItsOwnWithTimeoutsIsNotOnTheSharedPool() {
		this.contextRunner.withBean("legacyClient", RestTemplate.class, () -> {
			SimpleClientHttpRequestFactory factory = new SimpleClientHttpRequestFactory();
			factory.setConnectTimeout(Duration.ofSeconds(1));
			factory.setReadTimeout(Duration.ofSeconds(5));
			return new RestTemplate(factory);
		}).run((context) -> assertOnlyFinding(context, FindingType.HTTP_CLIENT_NOT_SHARED, "bean 'legacyClient'",
				"its own SimpleClientHttpRequestFactory"));
	}

	@Test
	void restTemplateWithoutTimeouts() {
		this.contextRunner.withPropertyValues("traffic-guard.http-client.enabled=false")
			.withBean("legacyClient", RestTemplate.class, RestTemplate::new)
			.run((context) -> assertOnlyFinding(context, FindingType.HTTP_CLIENT_NO_TIMEOUTS, "bean 'legacyClient'",
					"its own SimpleClientHttpRequestFactory with no connect and no read timeout"));
	}

	@Test
	void restTemplateOnAnApacheClientOfItsOwnWithoutResponseTimeout() {
		ApplicationContextRunner runner = this.contextRunner
			.withPropertyValues("traffic-guard.http-client.enabled=false");
		runner
			.withBean("apache", RestTemplate.class,
					() -> new RestTemplate(new HttpComponentsClientHttpRequestFactory()))
			.run((context) -> assertOnlyFinding(context, FindingType.HTTP_CLIENT_NO_TIMEOUTS, "bean 'apache'",
					"its own HttpComponentsClientHttpRequestFactory with no response timeout"));
		runner.withBean("apache", RestTemplate.class, () -> {
			HttpComponentsClientHttpRequestFactory factory = new HttpComponentsClientHttpRequestFactory();
			factory.setReadTimeout(Duration.ofSeconds(5));
			return new RestTemplate(factory);
		}).run((context) -> assertThat(findings(context)).isEmpty());
	}

	@Test
	void restClientCreatedByHandIsNeitherSharedNorTimedOut() {
		this.contextRunner.withBean("client", RestClient.class, RestClient::create).run((context) -> {
			assertThat(findings(context)).extracting(Finding::id)
				.containsExactlyInAnyOrder("http-client.not-shared-pool", "http-client.no-timeouts");
		});
	}

	@Test
	void clientsFromSpringBootsBuildersAreOnTheSharedPool() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(
					org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration.class,
					ImperativeHttpClientAutoConfiguration.class, RestClientAutoConfiguration.class,
					RestTemplateAutoConfiguration.class, HttpClientAutoConfiguration.class))
			.withInitializer(new TrafficGuardDefaultsInitializer())
			.withUserConfiguration(BuilderClientsConfiguration.class)
			.run((context) -> {
				assertThat(context).hasBean("restClient").hasBean("restTemplate");
				assertThat(findings(context)).isEmpty();
			});
	}

	@Test
	void clientsFromSpringBootsBuildersWithoutTheSharedPoolNeedBootsTimeouts() {
		ApplicationContextRunner runner = this.contextRunner
			.withConfiguration(AutoConfigurations.of(
					org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration.class,
					ImperativeHttpClientAutoConfiguration.class, RestClientAutoConfiguration.class,
					RestTemplateAutoConfiguration.class, HttpClientAutoConfiguration.class))
			.withPropertyValues("traffic-guard.http-client.enabled=false")
			.withUserConfiguration(BuilderRestClientConfiguration.class);
		runner.run((context) -> assertOnlyFinding(context, FindingType.HTTP_CLIENT_NO_TIMEOUTS, "bean 'restClient'",
				"built by Spring Boot's builder without the shared pool, and spring.http.clients.connect-timeout "
						+ "and spring.http.clients.read-timeout are not set"));
		runner.withPropertyValues("spring.http.clients.connect-timeout=1s", "spring.http.clients.read-timeout=5s")
			.run((context) -> assertThat(findings(context)).isEmpty());
	}

	@Test
	void jdkHttpClientWithoutConnectTimeout() {
		this.contextRunner.withPropertyValues("traffic-guard.http-client.enabled=false")
			.withBean("jdkClient", HttpClient.class, HttpClient::newHttpClient)
			.run((context) -> assertOnlyFinding(context, FindingType.HTTP_CLIENT_NO_TIMEOUTS, "bean 'jdkClient'",
					"a JDK HttpClient with no connect timeout"));
	}

	@Test
	void apacheHttpClientOfItsOwnIsNotOnTheSharedPool() {
		this.contextRunner.withBean("apacheClient", CloseableHttpClient.class, HttpClients::createDefault)
			.run((context) -> assertThat(findings(context)).extracting(Finding::id, Finding::subject)
				.containsExactlyInAnyOrder(
						org.assertj.core.groups.Tuple.tuple("http-client.not-shared-pool", "bean 'apacheClient'"),
						org.assertj.core.groups.Tuple.tuple("http-client.no-timeouts", "bean 'apacheClient'")));
	}

	@Test
	void clientsBuiltAgainAndAgainAfterStartupAreReportedOnceTheThresholdIsPassed(CapturedOutput output) {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(
					org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration.class,
					ImperativeHttpClientAutoConfiguration.class, RestClientAutoConfiguration.class,
					HttpClientAutoConfiguration.class))
			.withInitializer(new TrafficGuardDefaultsInitializer())
			.withPropertyValues("traffic-guard.audit.client-build-threshold=3")
			.run((context) -> {
				StartupAudit audit = context.getBean(StartupAudit.class);
				for (int request = 0; request < 2; request++) {
					context.getBean(RestClient.Builder.class).build();
				}
				assertThat(audit.getFindings()).isEmpty();
				for (int request = 0; request < 5; request++) {
					context.getBean(RestClient.Builder.class).build();
				}
				assertThat(audit.getFindings()).singleElement().satisfies((finding) -> {
					assertThat(finding.id()).isEqualTo("http-client.built-per-request");
					assertThat(finding.why()).startsWith("3 built since startup");
					assertThat(finding.fix()).isEqualTo(FindingType.HTTP_CLIENT_BUILT_PER_REQUEST.fix());
				});
			});
		assertThat(output.toString().split("http-client.built-per-request", -1)).hasSize(2);
	}

	@Test
	void hikariPoolWithoutConnectionTimeout() {
		this.contextRunner.withBean("dataSource", HikariDataSource.class, () -> {
			HikariDataSource pool = boundedPool();
			pool.setConnectionTimeout(0);
			return pool;
		}).run((context) -> assertOnlyFinding(context, FindingType.POOL_NO_CONNECTION_TIMEOUT, "bean 'dataSource'",
				"connection-timeout is 0"));
	}

	@Test
	void hikariPoolWithoutMaxLifetime() {
		this.contextRunner.withBean("dataSource", HikariDataSource.class, () -> {
			HikariDataSource pool = boundedPool();
			pool.setMaxLifetime(0);
			return pool;
		}).run((context) -> assertOnlyFinding(context, FindingType.POOL_NO_MAX_LIFETIME, "bean 'dataSource'",
				"max-lifetime is 0"));
	}

	@Test
	void hikariPoolWithoutLeakDetection() {
		this.contextRunner.withBean("dataSource", HikariDataSource.class, () -> {
			HikariDataSource pool = boundedPool();
			pool.setLeakDetectionThreshold(0);
			return pool;
		}).run((context) -> assertOnlyFinding(context, FindingType.POOL_NO_LEAK_DETECTION, "bean 'dataSource'",
				"leak-detection-threshold is 0"));
	}

	@Test
	void hikariPoolLargerThanTheRequestThreads() {
		this.webContextRunner.withPropertyValues("server.tomcat.threads.max=10")
			.withBean("dataSource", HikariDataSource.class, () -> {
				HikariDataSource pool = boundedPool();
				pool.setMaximumPoolSize(20);
				return pool;
			})
			.run((context) -> assertOnlyFinding(context, FindingType.POOL_LARGER_THAN_THREADS, "bean 'dataSource'",
					"maximum-pool-size is 20 but Tomcat serves requests on at most 10 threads"));
	}

	@Test
	void hikariPoolLargerThanThreadsIsFineWithVirtualThreads() {
		this.webContextRunner.withPropertyValues("server.tomcat.threads.max=10", "spring.threads.virtual.enabled=true")
			.withBean("dataSource", HikariDataSource.class, () -> {
				HikariDataSource pool = boundedPool();
				pool.setMaximumPoolSize(20);
				return pool;
			})
			.run((context) -> assertThat(findings(context)).isEmpty());
	}

	@Test
	void transactionManagerWithoutDefaultTimeout() {
		this.contextRunner
			.withBean("transactionManager", DataSourceTransactionManager.class,
					() -> new DataSourceTransactionManager(new SimpleDriverDataSource()))
			.run((context) -> assertOnlyFinding(context, FindingType.TRANSACTION_NO_DEFAULT_TIMEOUT,
					"bean 'transactionManager'", "its transactions have no timeout"));
	}

	@Test
	void transactionManagerWithDefaultTimeoutIsNotReported() {
		this.contextRunner.withBean("transactionManager", DataSourceTransactionManager.class, () -> {
			DataSourceTransactionManager manager = new DataSourceTransactionManager(new SimpleDriverDataSource());
			manager.setDefaultTimeout(30);
			return manager;
		}).run((context) -> assertThat(findings(context)).isEmpty());
	}

	@Test
	void immediateShutdown() {
		this.webContextRunner.withPropertyValues("server.shutdown=immediate")
			.run((context) -> assertOnlyFinding(context, FindingType.SHUTDOWN_IMMEDIATE, "server.shutdown=immediate",
					"the web server stops at once"));
	}

	@Test
	void shutdownPhaseShorterThanTheDrain() {
		this.webContextRunner.withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=5s")
			.run((context) -> assertOnlyFinding(context, FindingType.SHUTDOWN_PHASE_TOO_SHORT,
					"spring.lifecycle.timeout-per-shutdown-phase=5s",
					"shorter than traffic-guard.shutdown.timeout=30s"));
	}

	@Test
	void shutdownPhaseShorterThanTheTransactionTimeout() {
		this.webContextRunner
			.withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=40s",
					"spring.transaction.default-timeout=60")
			.run((context) -> assertOnlyFinding(context, FindingType.SHUTDOWN_PHASE_TOO_SHORT,
					"spring.lifecycle.timeout-per-shutdown-phase=40s",
					"shorter than spring.transaction.default-timeout=1m"));
	}

	@Test
	void shutdownPhaseFromTrafficGuardsTimeoutShorterThanTheTransactionTimeout() {
		this.webContextRunner
			.withPropertyValues("traffic-guard.shutdown.timeout=5s", "spring.transaction.default-timeout=30")
			.withInitializer(new TrafficGuardDefaultsInitializer())
			.run((context) -> assertOnlyFinding(context, FindingType.SHUTDOWN_PHASE_TOO_SHORT,
					"spring.lifecycle.timeout-per-shutdown-phase=5s (from traffic-guard.shutdown.timeout)",
					"shorter than spring.transaction.default-timeout=30s"));
	}

	@Test
	void shutdownPhaseTimeoutFromTrafficGuardsDefaultIsNotReported() {
		this.webContextRunner.withInitializer(new TrafficGuardDefaultsInitializer())
			.run((context) -> assertThat(findings(context)).isEmpty());
	}

	@Test
	void tomcatLimitSetBackToUnbounded() {
		this.webContextRunner.withPropertyValues("server.tomcat.max-connections=-1")
			.run((context) -> assertOnlyFinding(context, FindingType.TOMCAT_UNBOUNDED,
					"server.tomcat.max-connections=-1", "a negative value removes the limit"));
	}

	@Test
	void tomcatTimeoutSetBackToUnbounded() {
		this.webContextRunner.withPropertyValues("server.tomcat.connection-timeout=-1")
			.run((context) -> assertOnlyFinding(context, FindingType.TOMCAT_UNBOUNDED,
					"server.tomcat.connection-timeout=-1", "a negative value removes the limit"));
	}

	@Test
	void sensitiveEndpointExposedOnTheMainPort() {
		withEndpoints().withPropertyValues("management.endpoints.web.exposure.include=health,env")
			.run((context) -> assertOnlyFinding(context, FindingType.SENSITIVE_ENDPOINT_EXPOSED,
					"endpoint 'env' (management.endpoints.web.exposure.include)", "GET /actuator/env answers anyone"));
	}

	@Test
	void everySensitiveEndpointExposedByAWildcard() {
		withEndpoints()
			.withPropertyValues("management.endpoints.web.exposure.include=*",
					"management.endpoint.heapdump.access=READ_ONLY")
			.run((context) -> assertThat(findings(context)).extracting(Finding::subject)
				.containsExactly("endpoint 'heapdump' (management.endpoints.web.exposure.include)",
						"endpoint 'env' (management.endpoints.web.exposure.include)",
						"endpoint 'threaddump' (management.endpoints.web.exposure.include)",
						"endpoint 'profiling' (management.endpoints.web.exposure.include)"));
	}

	@Test
	void sensitiveEndpointsThatAreNotReachableAreNotReported() {
		withEndpoints()
			.withPropertyValues("management.endpoints.web.exposure.include=*",
					"management.endpoints.web.exposure.exclude=env", "management.endpoint.threaddump.access=NONE",
					"management.endpoint.profiling.access=NONE")
			.run((context) -> assertThat(findings(context)).isEmpty());
		withEndpoints()
			.withPropertyValues("management.endpoints.web.exposure.include=*", "management.server.port=9091")
			.run((context) -> assertThat(findings(context)).isEmpty());
	}

	@Test
	void anEndpointWhoseDefaultAccessIsNoneIsNotReportedUntilItsAccessIsSet() {
		this.webContextRunner.withBean(LockedProfilingEndpoint.class)
			.withPropertyValues("management.endpoints.web.exposure.include=*")
			.run((context) -> assertThat(findings(context)).isEmpty());
		this.webContextRunner.withBean(LockedProfilingEndpoint.class)
			.withPropertyValues("management.endpoints.web.exposure.include=*",
					"management.endpoint.profiling.access=UNRESTRICTED")
			.run((context) -> assertThat(findings(context)).extracting(Finding::subject)
				.containsExactly("endpoint 'profiling' (management.endpoints.web.exposure.include)"));
	}

	@Test
	void anEndpointThatDoesNotExistIsNotReported() {
		this.webContextRunner
			.withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class,
					EnvironmentEndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=*")
			.run((context) -> assertThat(findings(context)).extracting(Finding::subject)
				.containsExactly("endpoint 'env' (management.endpoints.web.exposure.include)"));
	}

	private WebApplicationContextRunner withEndpoints() {
		return this.webContextRunner
			.withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class,
					EnvironmentEndpointAutoConfiguration.class, ThreadDumpEndpointAutoConfiguration.class,
					HeapDumpWebEndpointAutoConfiguration.class))
			.withBean(ProfilingEndpoint.class);
	}

	@Test
	void rateLimitSwitchedOffInAWebApplication() {
		this.webContextRunner.withPropertyValues("traffic-guard.rate-limit.enabled=false")
			.run((context) -> assertOnlyFinding(context, FindingType.RATE_LIMIT_DISABLED,
					"traffic-guard.rate-limit.enabled=false", "the rate limit is switched off"));
	}

	@Test
	void overloadProtectionSwitchedOffInAWebApplication() {
		this.webContextRunner.withPropertyValues("traffic-guard.overload.enabled=false")
			.run((context) -> assertOnlyFinding(context, FindingType.OVERLOAD_DISABLED,
					"traffic-guard.overload.enabled=false", "the overload protection is switched off"));
	}

	@Test
	void protectionsSwitchedOffOutsideAWebApplicationAreNotReported() {
		this.contextRunner
			.withPropertyValues("traffic-guard.rate-limit.enabled=false", "traffic-guard.overload.enabled=false",
					"server.shutdown=immediate", "management.endpoints.web.exposure.include=*")
			.run((context) -> assertThat(findings(context)).isEmpty());
	}

	@Test
	void ignoredIdsAreSuppressed() {
		this.contextRunner
			.withPropertyValues("traffic-guard.audit.ignore=executor.unbounded-queue,executor.unbounded-threads")
			.withBean("reportExecutor", ExecutorService.class, () -> Executors.newFixedThreadPool(2))
			.withBean("cached", ExecutorService.class, Executors::newCachedThreadPool)
			.run((context) -> {
				StartupAudit audit = context.getBean(StartupAudit.class);
				assertThat(audit.getFindings()).isEmpty();
				assertThat(audit.getSuppressed()).isEqualTo(2);
			});
	}

	@Test
	void anIgnoredIdThatIsNoFindingFailsStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("traffic-guard.audit.ignore=executor.unbounded")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidPropertyException.class)
				.hasMessageStartingWith("traffic-guard.audit.ignore=executor.unbounded: must be a finding id"));
	}

	@Test
	void clientBuildThresholdIsChecked() {
		this.contextRunner.withPropertyValues("traffic-guard.audit.client-build-threshold=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessage("traffic-guard.audit.client-build-threshold=0: must be between 1 and 1000000"));
	}

	@Test
	void aBeanThatCannotBeInspectedIsReportedAndStartupGoesOn() {
		this.contextRunner.withBean("broken", ThreadPoolExecutor.class, BrokenExecutor::new)
			.withBean("cached", ExecutorService.class, Executors::newCachedThreadPool)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(findings(context)).extracting(Finding::id, Finding::subject)
					.containsExactly(
							org.assertj.core.groups.Tuple.tuple("audit.inspection-failed", "bean 'broken'"),
							org.assertj.core.groups.Tuple.tuple("executor.unbounded-threads", "bean 'cached'"));
				assertThat(findings(context).get(0).why())
					.startsWith("inspecting it threw java.lang.IllegalStateException: queue unavailable");
			});
	}

	@Test
	void anInspectionThatThrowsIsReportedAndStartupGoesOn() {
		this.contextRunner.withBean("failingInspection", Inspection.class, () -> new Inspection() {

			@Override
			public String name() {
				return "failing";
			}

			@Override
			public void inspect(AuditScope scope) {
				throw new NoClassDefFoundError("com/example/Missing");
			}

		}).run((context) -> assertOnlyFinding(context, FindingType.INSPECTION_FAILED, "inspection 'failing'",
				"it threw java.lang.NoClassDefFoundError: com/example/Missing"));
	}

	@Test
	void findingsAreLoggedAsOneWarningWithOneLineEach(CapturedOutput output) {
		this.contextRunner.withBean("reportExecutor", ExecutorService.class, () -> Executors.newFixedThreadPool(2))
			.withBean("cached", ExecutorService.class, Executors::newCachedThreadPool)
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).containsOnlyOnce("WARN")
			.contains("Traffic Guard audit: 2 findings that would fail under high traffic (2 error, 0 warning)")
			.contains("  [error] executor.unbounded-queue bean 'reportExecutor': a ThreadPoolExecutor over")
			.contains("  [error] executor.unbounded-threads bean 'cached': a ThreadPoolExecutor with")
			.doesNotContain("\tat ");
	}

	@Test
	void findingsAreInTheEndpointAndTheMeter() {
		this.contextRunner.withBean("reportExecutor", ExecutorService.class, () -> Executors.newFixedThreadPool(2))
			.withPropertyValues("traffic-guard.audit.ignore=executor.unbounded-threads")
			.run((context) -> {
				TrafficGuardContributor contributor = context.getBean("trafficGuardAuditContributor",
						TrafficGuardContributor.class);
				assertThat(contributor.name()).isEqualTo("audit");
				@SuppressWarnings("unchecked")
				Map<String, Object> section = (Map<String, Object>) contributor.describe();
				assertThat(section).containsEntry("ran", true)
					.containsEntry("failOn", "never")
					.containsEntry("ignore", List.of("executor.unbounded-threads"))
					.containsEntry("counts", Map.of("warning", 0, "error", 1));
				assertThat(section.get("findings")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
					.singleElement()
					.isEqualTo(context.getBean(StartupAudit.class).getFindings().get(0));
				SimpleMeterRegistry registry = new SimpleMeterRegistry();
				context.getBean("trafficGuardAuditMetrics", MeterBinder.class).bindTo(registry);
				assertThat(registry.get("traffic.guard.audit.findings").tag("severity", "error").gauge().value())
					.isEqualTo(1);
				assertThat(registry.get("traffic.guard.audit.findings").tag("severity", "warning").gauge().value())
					.isZero();
			});
	}

	@Test
	void auditSwitchedOff() {
		this.contextRunner.withPropertyValues("traffic-guard.audit.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(StartupAudit.class));
		this.contextRunner.withPropertyValues("traffic-guard.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(StartupAudit.class));
	}

	@Test
	void theUsersOwnAuditWins() {
		this.contextRunner
			.withBean("myAudit", StartupAudit.class, () -> new StartupAudit(new AuditProperties(), List.of(), null))
			.run((context) -> assertThat(context).getBean(StartupAudit.class).isSameAs(context.getBean("myAudit")));
	}

	@Test
	void everyFindingIdIsInTheReadmeWithItsFix() throws Exception {
		String readme = java.nio.file.Files.readString(java.nio.file.Path.of("..", "README.md"));
		for (FindingType type : FindingType.values()) {
			assertThat(readme).contains("`" + type.id() + "`");
		}
	}

	static HikariDataSource boundedPool() {
		HikariDataSource pool = new HikariDataSource();
		pool.setJdbcUrl("jdbc:h2:mem:audit");
		pool.setLeakDetectionThreshold(20_000);
		pool.setMaximumPoolSize(5);
		return pool;
	}

	static List<Finding> findings(ApplicationContext context) {
		return context.getBean(StartupAudit.class).getFindings();
	}

	static void assertOnlyFinding(ApplicationContextAssertProvider<?> context, FindingType type, String subject,
			String detail) {
		assertThat(context).hasNotFailed();
		assertThat(findings((ApplicationContext) context)).singleElement().satisfies((finding) -> {
			assertThat(finding.id()).isEqualTo(type.id());
			assertThat(finding.severity()).isEqualTo(type.severity());
			assertThat(finding.subject()).isEqualTo(subject);
			assertThat(finding.why()).contains(detail).endsWith(type.why());
			assertThat(finding.fix()).isEqualTo(type.fix());
		});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAsync
	static class AsyncWithoutExecutorConfiguration {

		@Bean
		Mailer mailer() {
			return new Mailer();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAsync
	static class AsyncOnBoundedExecutorConfiguration {

		@Bean
		ThreadPoolTaskExecutor mailExecutor() {
			ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
			executor.setQueueCapacity(10);
			executor.setMaxPoolSize(2);
			return executor;
		}

		@Bean
		Mailer mailer() {
			return new Mailer();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAsync
	static class AsyncOnUnboundedExecutorConfiguration {

		@Bean(destroyMethod = "shutdown")
		ExecutorService cached() {
			return Executors.newCachedThreadPool();
		}

		@Bean
		ThreadPoolTaskExecutor applicationExecutor() {
			ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
			executor.setQueueCapacity(10);
			return executor;
		}

		@Bean
		Reports reports() {
			return new Reports();
		}

	}

	@Async("cached")
	static class Reports {

		public void render() {
		}

		public void mail() {
		}

	}

	@Endpoint(id = "profiling")
	static class ProfilingEndpoint {

		@ReadOperation
		String profile() {
			return "profile";
		}

	}

	@Endpoint(id = "profiling", defaultAccess = Access.NONE)
	static class LockedProfilingEndpoint {

		@ReadOperation
		String profile() {
			return "profile";
		}

	}

	static class Mailer {

		@Async
		public void send(String message) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BuilderRestClientConfiguration {

		@Bean
		RestClient restClient(RestClient.Builder builder) {
			return builder.build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BuilderClientsConfiguration {

		@Bean
		RestClient restClient(RestClient.Builder builder) {
			return builder.build();
		}

		@Bean
		RestTemplate restTemplate(org.springframework.boot.restclient.RestTemplateBuilder builder) {
			return builder.build();
		}

	}

	static class BrokenExecutor extends ThreadPoolExecutor {

		BrokenExecutor() {
			super(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(1));
		}

		@Override
		public BlockingQueue<Runnable> getQueue() {
			throw new IllegalStateException("queue unavailable");
		}

	}

}
