package dev.trafficguard.actuate;

import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link StartupSummary}.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupSummaryTests {

	@Test
	void oneLinePerContributorThatHasOne() {
		String summary = StartupSummary.summary(
				List.of(contributor("executor", "8..32 threads"), contributor("defaults", null),
						contributor("http-client", "one shared pool")));
		assertThat(summary.lines()).containsExactly("Traffic Guard set:", "  executor: 8..32 threads",
				"  http-client: one shared pool");
	}

	@Test
	void aFailingContributorDoesNotStopTheSummary() {
		TrafficGuardContributor failing = new TrafficGuardContributor() {

			@Override
			public String name() {
				return "broken";
			}

			@Override
			public Object describe() {
				return "";
			}

			@Override
			public String summary() {
				throw new IllegalStateException("boom");
			}

		};
		assertThat(StartupSummary.summary(List.of(failing, contributor("executor", "ok"))).lines())
			.contains("  broken: (no summary: java.lang.IllegalStateException: boom)", "  executor: ok");
	}

	@Test
	void aRealStartupLogsOneBlockWithALinePerFeatureAndNothingElseAtInfo(CapturedOutput output) {
		try (ConfigurableApplicationContext context = start()) {
			String log = output.getOut();
			assertThat(log.split("Traffic Guard set:", -1)).hasSize(2);
			String block = log.substring(log.indexOf("Traffic Guard set:"));
			assertThat(block).contains("\n  executor: applicationTaskExecutor ", " threads, queue ",
					"\n  rate-limit: backend local (failure-mode open); default: burst 200, 100 per 1s",
					"\n  http-client: one shared pool of 100 connections, 20 per host; connect-timeout 2s",
					"\n  circuit-breaker: a breaker per downstream host (at most 200 hosts), failures [5xx];"
							+ " opens at 50.0% failed of at least 10 calls in the last 10s, stays open 30s",
					"\n  datasource: dataSource maximum-pool-size 9, minimum-idle 3, connection-timeout 2s",
					"\n  shutdown: pre-stop delay 0ms, then in-flight requests get 30s (server.shutdown=graceful)",
					"\n  defaults: ");
			assertThat(Arrays.stream(log.split("\\R")).filter((line) -> line.contains(" INFO "))
				.filter((line) -> line.contains("trafficguard")))
				.singleElement()
				.asString()
				.contains("Traffic Guard set:");
		}
	}

	@Test
	@EnabledForJreRange(max = JRE.JAVA_20)
	void virtualThreadsAskedForBeforeJava21AreSaidToBeIgnored(CapturedOutput output) {
		try (ConfigurableApplicationContext context = start("spring.threads.virtual.enabled=true")) {
			assertThat(output.getOut()).contains(" WARN ",
					"Traffic Guard: spring.threads.virtual.enabled=true is ignored: virtual threads need Java 21 or later");
			assertThat(context.getBean(TrafficGuardEndpoint.class).section("executor")).asString()
				.contains("virtual-threads-ignored", "threads=platform");
		}
	}

	private static ConfigurableApplicationContext start(String... properties) {
		return new SpringApplicationBuilder(Application.class)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"spring.datasource.url=jdbc:h2:mem:startup-summary-" + System.nanoTime(),
					"management.endpoints.web.exposure.include=trafficguard",
					"logging.level.org.springframework=warn", "logging.level.org.apache=warn",
					"logging.level.com.zaxxer=warn")
			.properties(properties)
			.run();
	}

	private static TrafficGuardContributor contributor(String name, @Nullable String summary) {
		return new TrafficGuardContributor() {

			@Override
			public String name() {
				return name;
			}

			@Override
			public Object describe() {
				return "";
			}

			@Override
			public @Nullable String summary() {
				return summary;
			}

		};
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

	}

}
