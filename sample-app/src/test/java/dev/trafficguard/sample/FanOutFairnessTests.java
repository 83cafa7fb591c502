package dev.trafficguard.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.trafficguard.executor.BoundedExecutor;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * End to end: nine big {@code /api/fanout} calls that ask for a parallelism of 100 hold the
 * executor (the defaults on two processors: 8 core threads, 32 at most), and a small fan-out
 * is answered while they all still run.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "traffic-guard.rate-limit.enabled=false",
				"traffic-guard.executor.core-size=8", "traffic-guard.executor.max-size=32",
				// Fan-out fairness alone: the big fan-outs' 10 s tasks must not meet the
				// request's default 10 s budget (its 504 is tested with the deadlines)
				"traffic-guard.deadline.default-budget=2m" })
class FanOutFairnessTests {

	@LocalServerPort
	private int port;

	@Autowired
	private BoundedExecutor applicationTaskExecutor;

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	@Test
	void aSmallFanOutIsServedWhileNineBigOnesRun() throws Exception {
		List<CompletableFuture<HttpResponse<String>>> big = new ArrayList<>();
		for (int i = 0; i < 9; i++) {
			big.add(call("/api/fanout?n=8&ms=10000&parallelism=100"));
		}
		// Each runs at most 8 tasks (a quarter of 32), and tasks beyond a fan-out's first
		// leave a quarter of the threads free: 24 to 30 threads are busy, whichever request
		// came first.
		await().atMost(Duration.ofSeconds(30)).until(() -> this.applicationTaskExecutor.getState().active() >= 24);
		HttpResponse<String> small = call("/api/fanout?n=2&ms=1").get(60, TimeUnit.SECONDS);
		assertThat(small.statusCode()).isEqualTo(200);
		assertThat(small.body()).contains("\"results\":[\"task-0\",\"task-1\"]");
		assertThat(big).noneMatch(CompletableFuture::isDone);
		assertThat(this.applicationTaskExecutor.getState().rejected()).isZero();
		HttpResponse<String> section = call("/actuator/trafficguard/executor").get(60, TimeUnit.SECONDS);
		assertThat(section.body()).contains(
				"\"max-fan-out-parallelism\":{\"property\":\"traffic-guard.executor.max-fan-out-parallelism\",\"value\":8,\"source\":\"default\"}");
		// The big ones share what is left: those that ran one task at a time for long may
		// reach their 30 s deadline, answered 503, never a 500.
		int completed = 0;
		for (CompletableFuture<HttpResponse<String>> each : big) {
			HttpResponse<String> response = each.get(90, TimeUnit.SECONDS);
			assertThat(response.statusCode()).isIn(200, 503);
			if (response.statusCode() == 200) {
				completed++;
				assertThat(response.body()).contains("\"parallelism\":100").contains("task-7");
			}
		}
		assertThat(completed).isPositive();
	}

	private CompletableFuture<HttpResponse<String>> call(String path) {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(90))
			.GET()
			.build();
		return this.client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
	}

}
