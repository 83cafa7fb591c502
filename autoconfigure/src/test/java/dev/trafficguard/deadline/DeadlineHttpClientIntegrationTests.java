package dev.trafficguard.deadline;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import com.sun.net.httpserver.HttpServer;
import dev.trafficguard.http.SharedConnectionPool;
import dev.trafficguard.test.Downstream;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End-to-end tests of the deadline on the shared HTTP client: a real server, a real
 * downstream on loopback that never answers, the real pool.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.datasource.generate-unique-name=true", "traffic-guard.deadline.rules.slow.paths=/slow/**",
				"traffic-guard.deadline.rules.slow.budget=300ms", "traffic-guard.deadline.rules.roomy.paths=/roomy/**",
				"traffic-guard.deadline.rules.roomy.budget=20s", "traffic-guard.deadline.header.propagate=true",
				"traffic-guard.http-client.response-timeout=30s" })
class DeadlineHttpClientIntegrationTests {

	private static Downstream hanging;

	private static HttpServer echo;

	private static final AtomicReference<String> budgetSent = new AtomicReference<>();

	private final HttpClient client = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Autowired
	private SharedConnectionPool pool;

	@Autowired
	private MeterRegistry meters;

	@BeforeAll
	static void startDownstreams() throws Exception {
		hanging = new Downstream().hang();
		echo = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
		echo.createContext("/", (exchange) -> {
			budgetSent.set(exchange.getRequestHeaders().getFirst("X-Request-Budget-Ms"));
			exchange.sendResponseHeaders(200, -1);
			exchange.close();
		});
		echo.start();
	}

	@AfterAll
	static void stopDownstreams() throws Exception {
		hanging.close();
		echo.stop(0);
	}

	@Test
	void callToADownstreamThatNeverAnswersEndsAtTheDeadlineWith504AndReleasesTheConnection() throws Exception {
		double before = exceeded("http-client");
		long start = System.nanoTime();
		HttpResponse<String> response = get("/slow/call?url=" + hanging.url());
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(response.statusCode()).isEqualTo(504);
		assertThat(response.body()).contains("Deadline exceeded: the http-client ran out of time");
		// The response timeout is 30s: the call ended at the budget's end, not there
		assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(Duration.ofSeconds(10));
		assertThat(hanging.requests()).isPositive();
		assertThat(this.pool.getTotalStats().getLeased()).isZero();
		assertThat(exceeded("http-client") - before).isEqualTo(1);
	}

	@Test
	void callWithNoTimeLeftIsNotMadeAndCounted() throws Exception {
		double before = this.meters.get(DeadlineMetrics.REFUSED).tag("part", "http-client").functionCounter().count();
		int requestsBefore = hanging.requests();
		HttpResponse<String> response = get("/slow/late-call?url=" + hanging.url());
		assertThat(response.statusCode()).isEqualTo(504);
		assertThat(response.body()).contains("http-client");
		assertThat(hanging.requests()).isEqualTo(requestsBefore);
		assertThat(this.meters.get(DeadlineMetrics.REFUSED).tag("part", "http-client").functionCounter().count()
				- before).isEqualTo(1);
	}

	@Test
	void timeLeftIsSentDownstreamWithinTheBudget() throws Exception {
		HttpResponse<String> response = get("/roomy/call?url=http://127.0.0.1:" + echo.getAddress().getPort());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(Long.parseLong(budgetSent.get())).isPositive().isLessThanOrEqualTo(20_000);
	}

	@Test
	void callOutsideARequestKeepsItsOwnTimeoutsAndSendsNoBudget() throws Exception {
		budgetSent.set("unset");
		assertThat(Deadline.current()).isNull();
		TestApplication.client.get().uri("http://127.0.0.1:" + echo.getAddress().getPort()).retrieve().toBodilessEntity();
		assertThat(budgetSent.get()).isNull();
	}

	private double exceeded(String part) {
		return this.meters.get(DeadlineMetrics.EXCEEDED).tag("part", part).functionCounter().count();
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Endpoints.class)
	static class TestApplication {

		static RestClient client;

	}

	@RestController
	static class Endpoints {

		private final RestClient client;

		Endpoints(RestClient.Builder builder) {
			this.client = builder.build();
			TestApplication.client = this.client;
		}

		@GetMapping({ "/slow/call", "/roomy/call" })
		String call(@RequestParam String url) {
			this.client.get().uri(url).retrieve().toBodilessEntity();
			return "answered";
		}

		@GetMapping("/slow/late-call")
		String lateCall(@RequestParam String url) {
			Deadline deadline = Deadline.current();
			while (!deadline.isExpired()) {
				LockSupport.parkNanos(Math.max(1, deadline.remainingNanos()));
			}
			this.client.get().uri(url).retrieve().toBodilessEntity();
			return "answered";
		}

	}

}
