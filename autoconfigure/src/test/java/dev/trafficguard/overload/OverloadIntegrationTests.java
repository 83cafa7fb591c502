package dev.trafficguard.overload;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.catalina.connector.Connector;
import org.apache.coyote.AbstractProtocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;
import static org.awaitility.Awaitility.await;

/**
 * End-to-end tests of overload protection: the real filter chain on an embedded Tomcat on a
 * random loopback port, saturated by concurrent HTTP calls held in the handler by latches.
 */
class OverloadIntegrationTests {

	private static final long WAIT = 30;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private final List<Gate> gates = new ArrayList<>();

	@AfterEach
	void close() {
		this.gates.forEach(Gate::open);
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void shedsTheExcessOfASaturatedSlowHandlerWith503ProblemAndRetryAfterWhileProbesStay200() throws Exception {
		ConfigurableApplicationContext context = start("traffic-guard.overload.algorithm=fixed",
				"traffic-guard.overload.min-limit=1", "traffic-guard.overload.max-limit=3");
		String base = base(context);
		Gate gate = gate(context);
		List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			held.add(getAsync(base + "/api/slow"));
		}
		assertThat(gate.entered.tryAcquire(3, WAIT, TimeUnit.SECONDS)).isTrue();
		HttpResponse<String> shed = get(base + "/api/slow");
		assertThat(shed.statusCode()).isEqualTo(503);
		assertThat(shed.headers().firstValue("Content-Type")).get(as(STRING)).startsWith("application/problem+json");
		assertThat(shed.headers().firstValue("Retry-After")).hasValue("1");
		assertThat(shed.body()).contains("\"title\":\"Service Unavailable\"")
			.contains("\"status\":503")
			.contains("The service is overloaded: the concurrency limit is reached")
			.contains("\"instance\":\"/api/slow\"");
		assertThat(get(base + "/api/fast").statusCode()).isEqualTo(503);
		// The handler was never reached by the shed requests
		assertThat(gate.calls.get()).isEqualTo(3);
		for (String probe : new String[] { "/actuator/health", "/actuator/health/liveness",
				"/actuator/health/readiness" }) {
			assertThat(get(base + probe).statusCode()).as(probe).isEqualTo(200);
		}
		HttpResponse<String> section = get(base + "/actuator/trafficguard/overload");
		assertThat(section.statusCode()).isEqualTo(200);
		assertThat(section.body()).contains("\"limit\":3")
			.contains("\"inFlight\":3")
			.contains("\"shedding\":true")
			.contains("\"limit\":2,\"queueTime\":0,\"waitTimeout\":0");
		assertThat(get(base + "/actuator/metrics/traffic.guard.overload.shed?tag=reason:limit").body())
			.contains("\"value\":2.0");
		assertThat(get(base + "/actuator/metrics/traffic.guard.overload.in.flight").body()).contains("\"value\":3.0");
		gate.open();
		for (CompletableFuture<HttpResponse<String>> response : held) {
			assertThat(response.get(WAIT, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		}
		assertThat(get(base + "/api/fast").statusCode()).isEqualTo(200);
		assertThat(context.getBean(RequestLimiter.class).getInFlight()).isZero();
	}

	@Test
	void aPathDressedUpAsAProbeIsStillLimited() throws Exception {
		ConfigurableApplicationContext context = start("traffic-guard.overload.algorithm=fixed",
				"traffic-guard.overload.min-limit=1", "traffic-guard.overload.max-limit=1");
		String base = base(context);
		Gate gate = gate(context);
		CompletableFuture<HttpResponse<String>> held = getAsync(base + "/api/slow");
		assertThat(gate.entered.tryAcquire(1, WAIT, TimeUnit.SECONDS)).isTrue();
		int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
		for (String path : new String[] { "/actuator/health/../../api/fast", "/actuator/health/%2e%2e/%2e%2e/api/fast",
				"/actuator;jsessionid=x/../api/fast", "/actuator/health/..;/..;/api/fast" }) {
			String response = rawGet(port, path);
			assertThat(response).as(path).doesNotStartWith("HTTP/1.1 200");
		}
		assertThat(gate.calls.get()).isEqualTo(1);
		assertThat(rawGet(port, "/actuator/health")).startsWith("HTTP/1.1 200");
		gate.open();
		assertThat(held.get(WAIT, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
	}

	private static String rawGet(int port, String path) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			socket.setSoTimeout(30_000);
			OutputStream out = socket.getOutputStream();
			out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
		}
	}

	@Test
	void waitsUpToMaxWaitForASlotThenShedsAsWaitTimeout() throws Exception {
		ConfigurableApplicationContext context = start("traffic-guard.overload.algorithm=fixed",
				"traffic-guard.overload.min-limit=1", "traffic-guard.overload.max-limit=1",
				"traffic-guard.overload.max-wait=50ms");
		String base = base(context);
		Gate gate = gate(context);
		CompletableFuture<HttpResponse<String>> held = getAsync(base + "/api/slow");
		assertThat(gate.entered.tryAcquire(1, WAIT, TimeUnit.SECONDS)).isTrue();
		HttpResponse<String> shed = get(base + "/api/fast");
		assertThat(shed.statusCode()).isEqualTo(503);
		assertThat(shed.body()).contains("no slot came free within the wait allowed");
		assertThat(context.getBean(RequestLimiter.class).getShed(ShedReason.WAIT_TIMEOUT)).isEqualTo(1);
		gate.open();
		assertThat(held.get(WAIT, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
	}

	@Test
	void groupsKeepTheirShareOfTheLimitUnderOverload() throws Exception {
		ConfigurableApplicationContext context = start("traffic-guard.overload.algorithm=fixed",
				"traffic-guard.overload.min-limit=1", "traffic-guard.overload.max-limit=10",
				"traffic-guard.overload.groups.checkout.paths=/api/checkout/**",
				"traffic-guard.overload.groups.checkout.share=0.7");
		String base = base(context);
		Gate gate = gate(context);
		List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
		// Other traffic takes the whole limit first
		for (int i = 0; i < 10; i++) {
			held.add(getAsync(base + "/api/slow"));
		}
		assertThat(gate.entered.tryAcquire(10, WAIT, TimeUnit.SECONDS)).isTrue();
		assertThat(get(base + "/api/fast").statusCode()).isEqualTo(503);
		// Checkout still gets its 70%: 7 slots
		for (int i = 0; i < 7; i++) {
			held.add(getAsync(base + "/api/checkout/pay"));
		}
		assertThat(gate.entered.tryAcquire(7, WAIT, TimeUnit.SECONDS)).isTrue();
		assertThat(get(base + "/api/checkout/pay").statusCode()).isEqualTo(503);
		assertThat(get(base + "/api/fast").statusCode()).isEqualTo(503);
		assertThat(gate.calls.get()).isEqualTo(17);
		HttpResponse<String> section = get(base + "/actuator/trafficguard/overload");
		assertThat(section.body()).contains("\"checkout\":{\"share\":0.7,\"guaranteedSlots\":7")
			.contains("\"other\":{\"share\":0.3,\"guaranteedSlots\":3}");
		gate.open();
		for (CompletableFuture<HttpResponse<String>> response : held) {
			assertThat(response.get(WAIT, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		}
	}

	@Test
	void theLimitFallsWhenLatencyRisesAndRecoversWhenItFalls() throws Exception {
		ConfigurableApplicationContext context = start("traffic-guard.overload.min-limit=4",
				"traffic-guard.overload.max-limit=40");
		String base = base(context);
		RequestLimiter limiter = context.getBean(RequestLimiter.class);
		AtomicLong delay = context.getBean(Delay.class).millis;
		delay.set(20);
		try (ClosedLoop load = new ClosedLoop(base + "/api/delay", 40)) {
			await().atMost(Duration.ofSeconds(WAIT)).until(() -> load.completed.get() > 500);
			delay.set(200);
			await().atMost(Duration.ofSeconds(WAIT)).pollInterval(Duration.ofMillis(5))
				.until(() -> limiter.getLimit() < 20);
			// 40 clients over a limit under 20: the next arrivals are shed
			await().atMost(Duration.ofSeconds(WAIT)).until(() -> limiter.getShed(ShedReason.LIMIT) > 0);
			delay.set(20);
			await().atMost(Duration.ofSeconds(WAIT)).until(() -> limiter.getLimit() == 40);
		}
	}

	@Test
	void theLimitStaysPutUnderSteadyLoad() throws Exception {
		ConfigurableApplicationContext context = start("traffic-guard.overload.min-limit=4",
				"traffic-guard.overload.max-limit=40");
		String base = base(context);
		RequestLimiter limiter = context.getBean(RequestLimiter.class);
		context.getBean(Delay.class).millis.set(20);
		int lowest = Integer.MAX_VALUE;
		long shedBefore;
		try (ClosedLoop load = new ClosedLoop(base + "/api/delay", 24)) {
			// Steady means after warm-up: the first requests run interpreted code and set the
			// limiter's long-term latency; what follows must not move the limit
			await().atMost(Duration.ofSeconds(WAIT)).until(() -> load.completed.get() > 500);
			shedBefore = limiter.getShed(ShedReason.LIMIT);
			while (load.completed.get() < 2500) {
				lowest = Math.min(lowest, limiter.getLimit());
				Thread.onSpinWait();
			}
		}
		// 24 requests at once, each as slow as the one before: the limit never falls below
		// what the steady load needs, so nothing is shed.
		assertThat(lowest).isGreaterThanOrEqualTo(24);
		assertThat(limiter.getShed(ShedReason.LIMIT)).isEqualTo(shedBefore);
	}

	@Test
	void switchedOffRestoresPlainBehaviour() throws Exception {
		ConfigurableApplicationContext context = start("traffic-guard.overload.enabled=false");
		String base = base(context);
		assertThat(context.getBeanNamesForType(OverloadFilter.class)).isEmpty();
		assertThat(context.getEnvironment().getProperty("server.tomcat.threads.max-queue-capacity")).isNull();
		assertThat(get(base + "/api/fast").statusCode()).isEqualTo(200);
		assertThat(executor(context)).isNotInstanceOf(QueueTimedExecutor.class);
		assertThat(get(base + "/actuator/trafficguard/overload").statusCode()).isEqualTo(404);
	}

	@Test
	void measuresQueueTimeOnTomcatsExecutorAndShedsRequestsThatWaitedTooLong() throws Exception {
		ConfigurableApplicationContext context = start("server.tomcat.threads.max=2",
				"server.tomcat.threads.min-spare=2", "traffic-guard.overload.max-queue-time=250ms");
		assertThat(executor(context)).isInstanceOf(QueueTimedExecutor.class);
		assertThat(((QueueTimedExecutor) executor(context)).getMaximumPoolSize()).isEqualTo(2);
		String base = base(context);
		Gate gate = gate(context);
		assertThat(get(base + "/actuator/trafficguard/overload").body()).contains("\"queueTimeMeasured\":true");
		// Both worker threads are held: the next request waits in Tomcat's queue until one
		// is released, which is once it has waited longer than max-queue-time
		CompletableFuture<HttpResponse<String>> first = getAsync(base + "/api/slow");
		CompletableFuture<HttpResponse<String>> second = getAsync(base + "/api/slow");
		assertThat(gate.entered.tryAcquire(2, WAIT, TimeUnit.SECONDS)).isTrue();
		CompletableFuture<HttpResponse<String>> queued = getAsync(base + "/api/fast");
		await().atMost(Duration.ofSeconds(WAIT)).pollInterval(Duration.ofMillis(1)).until(() -> queuedTasks(context) > 0);
		long queuedSince = System.nanoTime();
		await().atMost(Duration.ofSeconds(WAIT))
			.until(() -> System.nanoTime() - queuedSince > Duration.ofMillis(500).toNanos());
		gate.open();
		HttpResponse<String> shed = queued.get(WAIT, TimeUnit.SECONDS);
		assertThat(shed.statusCode()).isEqualTo(503);
		assertThat(shed.body()).contains("the request waited too long in the server's queue");
		assertThat(first.get(WAIT, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		assertThat(second.get(WAIT, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		assertThat(context.getBean(RequestLimiter.class).getShed(ShedReason.QUEUE_TIME)).isEqualTo(1);
		// Served at once, it did not wait
		assertThat(get(base + "/api/fast").statusCode()).isEqualTo(200);
	}

	private static int queuedTasks(ConfigurableApplicationContext context) {
		return ((QueueTimedExecutor) executor(context)).getQueue().size();
	}

	private static Executor executor(ConfigurableApplicationContext context) {
		WebServer webServer = ((WebServerApplicationContext) context).getWebServer();
		Connector connector = ((TomcatWebServer) webServer).getTomcat().getConnector();
		return ((AbstractProtocol<?>) connector.getProtocolHandler()).getExecutor();
	}

	private ConfigurableApplicationContext start(String... properties) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"management.endpoints.web.exposure.include=health,trafficguard,metrics",
					"management.endpoint.health.probes.enabled=true", "management.health.redis.enabled=false",
					"traffic-guard.rate-limit.enabled=false",
					// Other processes share this machine: a request can wait for a thread
					// several milliseconds with no overload, so only the hard bound applies
					"traffic-guard.overload.queue-time-target=0")
			.properties(properties)
			.run();
		this.contexts.add(context);
		return context;
	}

	private Gate gate(ConfigurableApplicationContext context) {
		Gate gate = context.getBean(Gate.class);
		this.gates.add(gate);
		return gate;
	}

	private static String base(ConfigurableApplicationContext context) {
		return "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
	}

	private HttpResponse<String> get(String uri) throws IOException, InterruptedException {
		return this.http.send(request(uri), HttpResponse.BodyHandlers.ofString());
	}

	private CompletableFuture<HttpResponse<String>> getAsync(String uri) {
		return this.http.sendAsync(request(uri), HttpResponse.BodyHandlers.ofString());
	}

	private static HttpRequest request(String uri) {
		return HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(60)).GET().build();
	}

	/**
	 * Clients that each send a request as soon as their previous one is answered, until
	 * closed.
	 */
	private final class ClosedLoop implements AutoCloseable {

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final AtomicInteger completed = new AtomicInteger();

		private final ExecutorService clients;

		private final CountDownLatch stopped;

		ClosedLoop(String uri, int clients) {
			this.clients = Executors.newFixedThreadPool(clients);
			this.stopped = new CountDownLatch(clients);
			for (int i = 0; i < clients; i++) {
				this.clients.execute(() -> {
					try {
						while (this.running.get()) {
							get(uri);
							this.completed.incrementAndGet();
						}
					}
					catch (IOException | InterruptedException ex) {
						// closed
					}
					finally {
						this.stopped.countDown();
					}
				});
			}
		}

		@Override
		public void close() throws InterruptedException {
			this.running.set(false);
			this.stopped.await(WAIT, TimeUnit.SECONDS);
			this.clients.shutdownNow();
		}

	}

	static final class Gate {

		final Semaphore entered = new Semaphore(0);

		final AtomicInteger calls = new AtomicInteger();

		private final CountDownLatch release = new CountDownLatch(1);

		void pass() throws InterruptedException {
			this.calls.incrementAndGet();
			this.entered.release();
			this.release.await(WAIT, TimeUnit.SECONDS);
		}

		void open() {
			this.release.countDown();
		}

	}

	static final class Delay {

		final AtomicLong millis = new AtomicLong();

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		Gate gate() {
			return new Gate();
		}

		@Bean
		Delay delay() {
			return new Delay();
		}

		@Bean
		Endpoints endpoints(Gate gate, Delay delay) {
			return new Endpoints(gate, delay);
		}

	}

	@RestController
	static class Endpoints {

		private final Gate gate;

		private final Delay delay;

		Endpoints(Gate gate, Delay delay) {
			this.gate = gate;
			this.delay = delay;
		}

		@GetMapping({ "/api/slow", "/api/checkout/pay" })
		String slow() throws InterruptedException {
			this.gate.pass();
			return "done";
		}

		@GetMapping("/api/delay")
		String delay() throws InterruptedException {
			Thread.sleep(this.delay.millis.get());
			return "done";
		}

		@GetMapping("/api/fast")
		Map<String, String> fast() {
			return Map.of("thread", Thread.currentThread().toString());
		}

	}

}
