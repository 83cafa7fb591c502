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
 * End to end: concurrent {@code /api/fanout} calls against a tiny executor (one thread, a
 * queue of one) are answered {@code 503 application/problem+json} with {@code Retry-After},
 * never a 500, while the call that got in completes.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "traffic-guard.rate-limit.enabled=false",
				"traffic-guard.executor.core-size=1", "traffic-guard.executor.max-size=1",
				"traffic-guard.executor.queue-capacity=1" })
class FanOutOverloadTests {

	private static final int CONCURRENT_CALLS = 6;

	@LocalServerPort
	private int port;

	@Autowired
	private BoundedExecutor applicationTaskExecutor;

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	@Test
	void concurrentFanOutsAgainstAFullExecutorGet503ProblemDetailsWithRetryAfter() throws Exception {
		// The first call takes the only thread for three seconds; one other call gets the
		// only queue slot.
		CompletableFuture<HttpResponse<String>> first = call("/api/fanout?n=1&ms=3000&parallelism=2");
		await().atMost(Duration.ofSeconds(30)).until(() -> this.applicationTaskExecutor.getState().active() == 1);
		List<CompletableFuture<HttpResponse<String>>> others = new ArrayList<>();
		for (int i = 0; i < CONCURRENT_CALLS; i++) {
			others.add(call("/api/fanout?n=2&ms=3000&parallelism=2"));
		}
		int unavailable = 0;
		for (CompletableFuture<HttpResponse<String>> other : others) {
			HttpResponse<String> response = other.get(60, TimeUnit.SECONDS);
			assertThat(response.statusCode()).isIn(200, 503);
			if (response.statusCode() == 503) {
				unavailable++;
				assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
						(type) -> assertThat(type).startsWith("application/problem+json"));
				assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
				assertThat(response.body()).contains("\"status\":503")
					.contains("applicationTaskExecutor")
					.contains("\"instance\":\"/api/fanout\"");
			}
		}
		assertThat(unavailable).isPositive();
		HttpResponse<String> firstResponse = first.get(60, TimeUnit.SECONDS);
		assertThat(firstResponse.statusCode()).isEqualTo(200);
		assertThat(firstResponse.body()).contains("\"results\":[\"task-0\"]");
		assertThat(this.applicationTaskExecutor.getState().rejected()).isEqualTo(unavailable);
		HttpResponse<String> section = call("/actuator/trafficguard/executor").get(60, TimeUnit.SECONDS);
		assertThat(section.statusCode()).isEqualTo(200);
		assertThat(section.body()).contains("\"applicationTaskExecutor\"")
			.contains("\"queue-capacity\":{\"property\":\"traffic-guard.executor.queue-capacity\",\"value\":1,\"source\":\"user\"}")
			.contains("\"rejected\":" + unavailable);
		HttpResponse<String> prometheus = call("/actuator/prometheus").get(60, TimeUnit.SECONDS);
		assertThat(prometheus.body())
			.contains("traffic_guard_executor_rejected_total{name=\"applicationTaskExecutor\"} " + unavailable + ".0");
	}

	@Test
	void fanOutWithinTheExecutorsBoundsAnswersInOrder() throws Exception {
		HttpResponse<String> response = call("/api/fanout?n=3&ms=0&parallelism=1").get(60, TimeUnit.SECONDS);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"results\":[\"task-0\",\"task-1\",\"task-2\"]");
	}

	@Test
	void invalidParallelismIsABadRequest() throws Exception {
		HttpResponse<String> response = call("/api/fanout?parallelism=0").get(60, TimeUnit.SECONDS);
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).contains("parallelism");
	}

	private CompletableFuture<HttpResponse<String>> call(String path) {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(60))
			.GET()
			.build();
		return this.client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
	}

}
