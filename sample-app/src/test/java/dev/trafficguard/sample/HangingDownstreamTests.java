package dev.trafficguard.sample;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end through the sample app's {@code /api/downstream} against a downstream that
 * accepts connections and never answers: at most {@code max-calls-per-host} request threads
 * wait on it, further calls are answered {@code 503} at once, the host's breaker opens while
 * the calls still hang (they count as slow past the threshold), and other endpoints keep
 * answering.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "traffic-guard.rate-limit.enabled=false",
				"traffic-guard.http-client.response-timeout=2m",
				"resilience4j.circuitbreaker.configs.default.slow-call-duration-threshold=500ms" })
class HangingDownstreamTests {

	private static final SilentServer SILENT = SilentServer.start();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	@LocalServerPort
	private int port;

	@Autowired
	private CircuitBreakerRegistry breakers;

	@DynamicPropertySource
	static void silentDownstream(DynamicPropertyRegistry registry) {
		registry.add("sample.downstream-url", () -> "http://127.0.0.1:" + SILENT.port());
	}

	@AfterAll
	static void stopSilentServer() throws IOException {
		SILENT.close();
	}

	@Test
	void aDownstreamThatNeverAnswersHoldsTenThreadsOpensItsBreakerWhileTheyHangAndOthersAreServed() throws Exception {
		CircuitBreaker breaker = this.breakers.circuitBreaker("127.0.0.1:" + SILENT.port());
		CountDownLatch opened = new CountDownLatch(1);
		breaker.getEventPublisher().onStateTransition((event) -> {
			if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
				opened.countDown();
			}
		});
		List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			calls.add(call("/api/downstream"));
		}
		// Half of max-per-route (20) wait on the silent host; further calls are refused at once.
		SILENT.awaitConnections(10);
		for (int i = 0; i < 20; i++) {
			HttpResponse<String> response = call("/api/downstream").get(60, TimeUnit.SECONDS);
			assertThat(response.statusCode()).isEqualTo(503);
			assertThat(response.headers().firstValue("Content-Type"))
				.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
			assertThat(response.headers().firstValue("Retry-After")).isPresent();
		}
		assertThat(opened.await(60, TimeUnit.SECONDS)).isTrue();
		assertThat(calls).noneMatch(CompletableFuture::isDone);
		HttpResponse<String> open = call("/api/downstream").get(60, TimeUnit.SECONDS);
		assertThat(open.statusCode()).isEqualTo(503);
		assertThat(open.body()).contains("circuit breaker is open");
		assertThat(call("/api/work?ms=0").get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		String section = call("/actuator/trafficguard/http-client").get(60, TimeUnit.SECONDS).body();
		assertThat(section).contains("\"inFlight\":10").contains("\"bulkheadRejected\":");
		assertThat(SILENT.connections()).isEqualTo(10);
		SILENT.close();
		for (CompletableFuture<HttpResponse<String>> call : calls) {
			assertThat(call.get(60, TimeUnit.SECONDS).statusCode()).isIn(502, 503, 504);
		}
	}

	private CompletableFuture<HttpResponse<String>> call(String path) {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofMinutes(2))
			.build();
		return this.http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
	}

	/**
	 * Accepts connections on a loopback port and never answers.
	 */
	static final class SilentServer implements AutoCloseable {

		private final ServerSocket serverSocket;

		private final List<Socket> sockets = new CopyOnWriteArrayList<>();

		private final java.util.concurrent.Semaphore accepted = new java.util.concurrent.Semaphore(0);

		private SilentServer(ServerSocket serverSocket) {
			this.serverSocket = serverSocket;
			Thread acceptor = new Thread(this::accept, "silent-downstream");
			acceptor.setDaemon(true);
			acceptor.start();
		}

		static SilentServer start() {
			try {
				return new SilentServer(new ServerSocket(0, 200, InetAddress.getLoopbackAddress()));
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}

		int port() {
			return this.serverSocket.getLocalPort();
		}

		int connections() {
			return this.sockets.size();
		}

		void awaitConnections(int count) throws InterruptedException {
			if (!this.accepted.tryAcquire(count, 60, TimeUnit.SECONDS)) {
				throw new IllegalStateException("Fewer than " + count + " connections arrived");
			}
		}

		private void accept() {
			while (!this.serverSocket.isClosed()) {
				try {
					this.sockets.add(this.serverSocket.accept());
					this.accepted.release();
				}
				catch (IOException ex) {
					return;
				}
			}
		}

		@Override
		public void close() throws IOException {
			this.serverSocket.close();
			for (Socket socket : this.sockets) {
				socket.close();
			}
		}

	}

}
