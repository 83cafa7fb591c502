package dev.trafficguard.deadline;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End-to-end tests of request deadlines on a real embedded server: the budget a request gets
 * from the rules and a trusted caller's header, tasks that inherit it, and 504 once it ran
 * out.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=trafficguard",
				"spring.datasource.generate-unique-name=true", "traffic-guard.rate-limit.trusted-proxies=127.0.0.1/32",
				"traffic-guard.deadline.header.enabled=true", "traffic-guard.deadline.rules.short.paths=/short/**",
				"traffic-guard.deadline.rules.short.budget=200ms", "traffic-guard.deadline.rules.shadowed.paths=/short/**",
				"traffic-guard.deadline.rules.shadowed.budget=1s" })
class DeadlineIntegrationTests {

	private final HttpClient client = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Autowired
	private MeterRegistry meters;

	@Test
	void requestGetsTheDefaultBudgetOrTheFirstMatchingRules() throws Exception {
		assertThat(get("/budget", null).body()).isEqualTo("10000");
		assertThat(get("/short/budget", null).body()).isEqualTo("200");
	}

	@Test
	void trustedCallersShorterBudgetIsHonouredAndCappedByTheLocalRule() throws Exception {
		assertThat(get("/budget", "500").body()).isEqualTo("500");
		assertThat(get("/short/budget", "50000").body()).isEqualTo("200");
	}

	@Test
	void badHeaderValuesAreIgnoredAndTheLocalRuleApplies() throws Exception {
		double before = headerCount("invalid");
		String[] bad = { "-5", "abc", "0", "1.5", "99999999999999999999", "0x10", "+100", "1e3", "" };
		for (String value : bad) {
			HttpResponse<String> response = get("/budget", value);
			assertThat(response.statusCode()).as(value).isEqualTo(200);
			assertThat(response.body()).as(value).isEqualTo("10000");
		}
		assertThat(headerCount("invalid") - before).isEqualTo(bad.length);
	}

	@Test
	void taskSubmittedDuringARequestInheritsItsDeadline() throws Exception {
		HttpResponse<String> response = get("/short/task", null);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("200");
	}

	@Test
	void tasksSubmittedFromAnExpiredRequestNeverRun() throws Exception {
		double before = this.meters.get(DeadlineMetrics.TASKS_DROPPED).functionCounter().count();
		HttpResponse<String> response = get("/short/expired-task", null);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("cancelled, ran 0");
		assertThat(this.meters.get(DeadlineMetrics.TASKS_DROPPED).functionCounter().count() - before)
			.isEqualTo(1);
	}

	@Test
	void waitingOnATaskDroppedForTheDeadlineIsA504NotA500() throws Exception {
		double before = exceeded("task");
		HttpResponse<String> response = get("/short/dropped-task", null);
		assertThat(response.statusCode()).isEqualTo(504);
		assertThat(response.body()).contains("Deadline exceeded: the task ran out");
		assertThat(exceeded("task") - before).isEqualTo(1);
	}

	@Test
	void exceededDeadlineIsA504ProblemNamingThePartAndCounted() throws Exception {
		double before = exceeded("request");
		HttpResponse<String> response = get("/short/late", null);
		assertThat(response.statusCode()).isEqualTo(504);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(response.body()).contains("\"status\":504").contains("Deadline exceeded: the request ran out");
		assertThat(exceeded("request") - before).isEqualTo(1);
	}

	@Test
	void endpointShowsTheRulesAndCounters() throws Exception {
		HttpResponse<String> response = get("/actuator/trafficguard/deadline", null);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"defaultBudget\"")
			.contains("\"name\":\"short\"")
			.contains("\"tasksDropped\"")
			.contains("\"exceeded\"");
	}

	private double headerCount(String outcome) {
		return this.meters.get(DeadlineMetrics.HEADER).tag("outcome", outcome).functionCounter().count();
	}

	private double exceeded(String part) {
		return this.meters.get(DeadlineMetrics.EXCEEDED).tag("part", part).functionCounter().count();
	}

	private HttpResponse<String> get(String path, String budgetHeader) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path));
		if (budgetHeader != null) {
			request.header("X-Request-Budget-Ms", budgetHeader);
		}
		return this.client.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static void awaitExpiry(Deadline deadline) {
		while (!deadline.isExpired()) {
			LockSupport.parkNanos(Math.max(1, deadline.remainingNanos()));
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Endpoints.class)
	static class TestApplication {

	}

	@RestController
	static class Endpoints {

		private final AsyncTaskExecutor executor;

		Endpoints(AsyncTaskExecutor applicationTaskExecutor) {
			this.executor = applicationTaskExecutor;
		}

		@GetMapping({ "/budget", "/short/budget" })
		String budget() {
			return Long.toString(Deadline.current().budget().toMillis());
		}

		@GetMapping("/short/task")
		String task() throws Exception {
			Deadline mine = Deadline.current();
			Future<String> inherited = this.executor.submit(() -> {
				Deadline seen = Deadline.current();
				return (seen == mine) ? Long.toString(seen.budget().toMillis()) : "other: " + seen;
			});
			return inherited.get(5, TimeUnit.SECONDS);
		}

		@GetMapping("/short/expired-task")
		String expiredTask() throws Exception {
			awaitExpiry(Deadline.current());
			AtomicInteger ran = new AtomicInteger();
			Future<?> task = this.executor.submit(ran::incrementAndGet);
			try {
				task.get(5, TimeUnit.SECONDS);
				return "completed, ran " + ran.get();
			}
			catch (CancellationException ex) {
				return "cancelled, ran " + ran.get();
			}
		}

		@GetMapping("/short/dropped-task")
		String droppedTask() throws Exception {
			awaitExpiry(Deadline.current());
			// The task is dropped and its future cancelled; FanOut's callers see the same
			// cancellation wrapped in a CompletionException
			return this.executor.submit(() -> "ran").get(5, TimeUnit.SECONDS);
		}

		@GetMapping("/short/late")
		String late() {
			Deadline deadline = Deadline.current();
			awaitExpiry(deadline);
			deadline.check("request");
			return "too late";
		}

	}

}
