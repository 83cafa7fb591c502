package dev.trafficguard.sample;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end through the sample app's {@code /api/downstream}, the real filter chain and the
 * shared HTTP client: a dead downstream gives {@code 502}, and once its breaker is open
 * {@code 503} with {@code Retry-After}, both {@code application/problem+json}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "traffic-guard.rate-limit.enabled=false", "management.endpoints.web.exposure.include=*",
				// A 2-minute window instead of 10 s: on a loaded machine 10 calls must not fall out of it.
				// Set with its type: a window size alone keeps resilience4j's COUNT_BASED type.
				"resilience4j.circuitbreaker.configs.default.sliding-window-type=TIME_BASED",
				"resilience4j.circuitbreaker.configs.default.sliding-window-size=120" })
class DownstreamCircuitBreakerTests {

	private static final int DEAD_PORT = deadPort();

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void deadDownstream(DynamicPropertyRegistry registry) {
		registry.add("sample.downstream-url", () -> "http://127.0.0.1:" + DEAD_PORT);
	}

	@Test
	void deadDownstreamIsABadGatewayThenServiceUnavailableWithRetryAfterOnceTheBreakerIsOpen() throws Exception {
		for (int i = 0; i < 10; i++) {
			HttpResponse<String> response = get("/api/downstream");
			assertThat(response.statusCode()).isEqualTo(502);
			assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
					(type) -> assertThat(type).startsWith("application/problem+json"));
			assertThat(response.body()).contains("\"status\":502").doesNotContain("Exception");
		}
		HttpResponse<String> open = get("/api/downstream");
		assertThat(open.statusCode()).isEqualTo(503);
		assertThat(open.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(open.headers().firstValue("Retry-After")).hasValueSatisfying(
				(seconds) -> assertThat(Long.parseLong(seconds)).isBetween(1L, 30L));
		assertThat(open.body()).contains("\"status\":503");
		HttpResponse<String> section = get("/actuator/trafficguard/circuit-breaker");
		assertThat(section.statusCode()).isEqualTo(200);
		assertThat(section.body()).contains("127.0.0.1:" + DEAD_PORT).contains("\"state\":\"OPEN\"");
		assertThat(get("/actuator/trafficguard/http-client").body()).contains("\"max-total\"");
		assertThat(get("/actuator/metrics/resilience4j.circuitbreaker.state").statusCode()).isEqualTo(200);
	}

	private HttpResponse<String> get(String path) throws IOException, InterruptedException {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private static int deadPort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
