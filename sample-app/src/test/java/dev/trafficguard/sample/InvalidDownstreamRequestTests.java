package dev.trafficguard.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end through the sample app's {@code /api/downstream} with a downstream URL that
 * HttpClient 5 refuses before sending (a deprecated user-info part): the answer is a
 * {@code 500 application/problem+json}, not a {@code 502} "could not be reached", and the
 * healthy host's breaker stays closed.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "traffic-guard.rate-limit.enabled=false",
				"sample.downstream-url=http://user:secret@127.0.0.1:${local.server.port}/stub" })
class InvalidDownstreamRequestTests {

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Autowired
	private CircuitBreakerRegistry breakers;

	@Test
	void aRequestRefusedBeforeItIsSentIsAServerErrorAndLeavesTheHostsBreakerClosed() throws Exception {
		for (int i = 0; i < 20; i++) {
			HttpResponse<String> response = get("/api/downstream");
			assertThat(response.statusCode()).isEqualTo(500);
			assertThat(response.headers().firstValue("Content-Type"))
				.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
			assertThat(response.body()).contains("was invalid and was not sent")
				.doesNotContain("secret")
				.doesNotContain("Exception");
		}
		CircuitBreaker breaker = this.breakers.circuitBreaker("127.0.0.1:" + this.port);
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isZero();
		assertThat(get("/actuator/trafficguard/http-client").body()).contains("\"unsent\":20");
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
