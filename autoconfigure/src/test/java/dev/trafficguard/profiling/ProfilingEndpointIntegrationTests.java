package dev.trafficguard.profiling;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * End-to-end tests of the {@code profiling} endpoint on an embedded Tomcat on a random
 * loopback port, called over HTTP.
 */
class ProfilingEndpointIntegrationTests {

	private static final String[] EXPOSED = { "management.endpoints.web.exposure.include=health,profiling",
			"management.endpoint.profiling.access=unrestricted" };

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	private final JsonMapper json = JsonMapper.builder().build();

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@AfterEach
	void close() {
		Spinner.stop = true;
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void cpuProfileNamesTheSpinningMethodAndItsFileDownloadsAndParses(@TempDir Path directory) throws Exception {
		String base = start(EXPOSED);
		Spinner.stop = false;
		Spinner.started = new CountDownLatch(1);
		CompletableFuture<HttpResponse<String>> spin = this.http.sendAsync(
				HttpRequest.newBuilder(URI.create(base + "/spin?seconds=60")).GET().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(Spinner.started.await(30, TimeUnit.SECONDS)).isTrue();
		HttpResponse<String> response = record(base, "{\"kind\":\"cpu\",\"seconds\":2,\"top\":10}");
		Spinner.stop = true;
		assertThat(spin.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode profile = this.json.readTree(response.body());
		assertThat(profile.get("kind").asString()).isEqualTo("cpu");
		assertThat(profile.get("unit").asString()).isEqualTo("samples");
		assertThat(profile.get("events").asLong()).isPositive();
		String spinning = Spinner.class.getName() + ".spinInAKnownMethod";
		assertThat(frames(profile.get("topSelf"))).contains(spinning);
		assertThat(frames(profile.get("topTotal"))).contains(spinning);
		assertThat(profile.get("topSelf")).hasSizeLessThanOrEqualTo(10);

		String download = profile.get("download").asString();
		assertThat(download).isEqualTo("/actuator/profiling/recordings/" + profile.get("id").asString());
		HttpResponse<byte[]> jfr = this.http.send(HttpRequest.newBuilder(URI.create(base + download)).GET().build(),
				HttpResponse.BodyHandlers.ofByteArray());
		assertThat(jfr.statusCode()).isEqualTo(200);
		assertThat(jfr.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/octet-stream"));
		assertThat((long) jfr.body().length).isEqualTo(profile.get("fileBytes").asLong());
		Path file = directory.resolve("profile.jfr");
		Files.write(file, jfr.body());
		List<RecordedEvent> events = RecordingFile.readAllEvents(file);
		assertThat(events).anySatisfy(
				(event) -> assertThat(event.getEventType().getName()).isEqualTo("jdk.ExecutionSample"));

		HttpResponse<String> unknown = get(base + "/actuator/profiling/recordings/999");
		assertThat(unknown.statusCode()).isEqualTo(404);
		assertThat(unknown.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/problem+json"));
	}

	@Test
	void aSecondProfileWhileOneRecordsIsRefusedWith409() throws Exception {
		String base = start(EXPOSED);
		CompletableFuture<HttpResponse<String>> first = this.http.sendAsync(
				request(base, "{\"kind\":\"wall\",\"seconds\":3}"), HttpResponse.BodyHandlers.ofString());
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
			JsonNode status = this.json.readTree(get(base + "/actuator/profiling").body());
			return status.get("recording") != null && !status.get("recording").isNull();
		});
		HttpResponse<String> second = record(base, "{\"kind\":\"cpu\",\"seconds\":1}");
		assertThat(second.statusCode()).isEqualTo(409);
		assertProblem(second, 409, "A profile is being recorded");
		HttpResponse<String> firstResponse = first.get(60, TimeUnit.SECONDS);
		assertThat(firstResponse.statusCode()).isEqualTo(200);
		assertThat(this.json.readTree(firstResponse.body()).get("unit").asString()).isEqualTo("ms");
		JsonNode status = this.json.readTree(get(base + "/actuator/profiling").body());
		assertThat(status.get("recording").isNull()).isTrue();
		assertThat(status.at("/latest/kind").asString()).isEqualTo("wall");
	}

	@Test
	void badParametersAreAnswered400ProblemDetails() throws Exception {
		String base = start(EXPOSED);
		assertProblem(record(base, "{\"kind\":\"cpu\",\"seconds\":0}"), 400, "seconds=0: must be");
		assertProblem(record(base, "{\"kind\":\"cpu\",\"seconds\":10000}"), 400, "seconds=10000: must be");
		assertProblem(record(base, "{\"kind\":\"cpu\",\"seconds\":\"ten\"}"), 400, "seconds=ten: must be");
		assertProblem(record(base, "{\"kind\":\"cpu\"}"), 400, "seconds=null: must be");
		assertProblem(record(base, "{\"kind\":\"goroutine\",\"seconds\":1}"), 400,
				"kind=goroutine: must be one of cpu, allocation, lock, wall");
		assertProblem(record(base, "{\"seconds\":1}"), 400, "kind=null");
		assertProblem(record(base, "{\"kind\":\"cpu\",\"seconds\":1,\"top\":-3}"), 400, "top=-3");
		assertProblem(get(base + "/actuator/profiling/heap?top=0"), 400, "top=0");
		assertProblem(get(base + "/actuator/profiling/heap?live=maybe"), 400, "live=maybe");
		assertProblem(get(base + "/actuator/profiling/goroutines"), 404, "No view 'goroutines'");
		assertProblem(record(base, "{\"kind\":\"cpu\",\"seconds\":1.5}"), 400, "seconds=1.5: must be");
		assertProblem(record(base, "{\"kind\":\"cpu\",\"seconds\":-1}"), 400, "seconds=-1: must be");
		assertProblem(record(base, "{\"kind\":\"cpu\",\"seconds\":99999999999999999999}"), 400, "must be");
		assertProblem(record(base, "{\"kind\":\"cpu\\u0000\",\"seconds\":1}"), 400, "kind=cpu\u0000: must be one of");
		assertProblem(record(base, "{\"kind\":\"" + "x".repeat(100_000) + "\",\"seconds\":1}"), 400,
				"kind=" + "x".repeat(64) + "...: must be one of");
		// Spring MVC's own problem details answer what cannot be read as parameters
		assertProblem(record(base, "{\"kind\":[\"cpu\"],\"seconds\":1}"), 400, "Failed to read request");
		assertProblem(record(base, "{\"kind\":{\"a\":1},\"seconds\":1}"), 400, "Failed to read request");
		assertProblem(record(base, "not json"), 400, "Failed to read request");
		assertProblem(record(base, ""), 400, "kind=null");
		JsonNode status = this.json.readTree(get(base + "/actuator/profiling").body());
		assertThat(status.get("latest").isNull()).isTrue();
	}

	@Test
	void threadsAreGroupedByIdenticalStack() throws Exception {
		String base = start(EXPOSED);
		CountDownLatch release = new CountDownLatch(1);
		List<Thread> threads = new ArrayList<>();
		try {
			for (int i = 0; i < 7; i++) {
				Thread thread = new Thread(() -> Waiter.waitInAKnownMethod(release), "waiter-" + i);
				thread.start();
				threads.add(thread);
			}
			await().atMost(Duration.ofSeconds(30))
				.until(() -> threads.stream().allMatch((thread) -> thread.getState() == Thread.State.WAITING));
			HttpResponse<String> response = get(base + "/actuator/profiling/threads?top=100");
			assertThat(response.statusCode()).isEqualTo(200);
			JsonNode answer = this.json.readTree(response.body());
			assertThat(answer.get("threads").asInt()).isGreaterThanOrEqualTo(7);
			JsonNode waiters = null;
			for (JsonNode group : answer.get("stacks")) {
				if (group.get("stack").toString().contains("waitInAKnownMethod")) {
					waiters = group;
				}
			}
			assertThat(waiters).isNotNull();
			assertThat(waiters.get("count").asInt()).isEqualTo(7);
			assertThat(waiters.get("state").asString()).isEqualTo("WAITING");
			assertThat(waiters.get("threads")).hasSize(ThreadStacks.MAX_NAMES);
		}
		finally {
			release.countDown();
			for (Thread thread : threads) {
				thread.join();
			}
		}
	}

	@Test
	void heapHistogramListsTheClassesWithTheMostBytes() throws Exception {
		String base = start(EXPOSED);
		HttpResponse<String> response = get(base + "/actuator/profiling/heap?top=5");
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode histogram = this.json.readTree(response.body());
		assertThat(histogram.get("live").asBoolean()).isFalse();
		assertThat(histogram.get("classes")).hasSize(5);
		assertThat(histogram.get("bytes").asLong()).isPositive();
		long previous = Long.MAX_VALUE;
		for (JsonNode type : histogram.get("classes")) {
			assertThat(type.get("className").asString()).isNotBlank();
			assertThat(type.get("bytes").asLong()).isPositive().isLessThanOrEqualTo(previous);
			previous = type.get("bytes").asLong();
		}
	}

	@Test
	void recordingFilesAreRemovedOnShutdown() throws Exception {
		String base = start(EXPOSED);
		assertThat(record(base, "{\"kind\":\"allocation\",\"seconds\":1}").statusCode()).isEqualTo(200);
		ConfigurableApplicationContext context = this.contexts.get(0);
		Path file = context.getBean(FlightRecorderProfiler.class).latest().file();
		assertThat(file).exists();
		assertThat(record(base, "{\"kind\":\"lock\",\"seconds\":1}").statusCode()).isEqualTo(200);
		// Only the latest is kept
		assertThat(file).doesNotExist();
		Path latest = context.getBean(FlightRecorderProfiler.class).latest().file();
		assertThat(latest).exists();
		context.close();
		assertThat(latest).doesNotExist();
		assertThat(latest.getParent()).doesNotExist();
	}

	@Test
	void isNotAvailableUnlessGivenAccessAndExposed() throws Exception {
		String exposedOnly = start("management.endpoints.web.exposure.include=health,profiling");
		assertThat(get(exposedOnly + "/actuator/profiling").statusCode()).isEqualTo(404);
		String accessOnly = start("management.endpoint.profiling.access=unrestricted");
		assertThat(get(accessOnly + "/actuator/profiling").statusCode()).isEqualTo(404);
		String readOnly = start("management.endpoints.web.exposure.include=health,profiling",
				"management.endpoint.profiling.access=read-only");
		assertThat(get(readOnly + "/actuator/profiling/threads").statusCode()).isEqualTo(200);
		assertThat(record(readOnly, "{\"kind\":\"cpu\",\"seconds\":1}").statusCode()).isIn(404, 405);
	}

	private void assertProblem(HttpResponse<String> response, int status, String detail) throws IOException {
		assertThat(response.statusCode()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/problem+json"));
		JsonNode problem = this.json.readTree(response.body());
		assertThat(problem.get("status").asInt()).isEqualTo(status);
		assertThat(problem.get("detail").asString()).contains(detail);
		assertThat(problem.get("instance").asString()).isEqualTo("/actuator/profiling");
	}

	private static Set<String> frames(JsonNode frames) {
		Set<String> names = new HashSet<>();
		frames.forEach((frame) -> names.add(frame.get("frame").asString()));
		return names;
	}

	private String start(String... properties) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"management.health.redis.enabled=false", "traffic-guard.rate-limit.enabled=false")
			.properties(properties)
			.run();
		this.contexts.add(context);
		return "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
	}

	private HttpRequest request(String base, String body) {
		return HttpRequest.newBuilder(URI.create(base + "/actuator/profiling"))
			.timeout(Duration.ofSeconds(60))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
	}

	private HttpResponse<String> record(String base, String body) throws IOException, InterruptedException {
		return this.http.send(request(base, body), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> get(String uri) throws IOException, InterruptedException {
		return this.http.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
	}

	static final class Spinner {

		static volatile boolean stop;

		static volatile CountDownLatch started = new CountDownLatch(1);

		static volatile double sink;

		static void spinInAKnownMethod(long seconds) {
			started.countDown();
			long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
			double value = 1;
			while (!stop && System.nanoTime() < end) {
				for (int i = 0; i < 10_000; i++) {
					value = Math.sqrt(value + i);
				}
				sink = value;
			}
		}

	}

	static final class Waiter {

		static void waitInAKnownMethod(CountDownLatch release) {
			try {
				release.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@RestController
	static class TestApplication {

		@GetMapping("/spin")
		String spin(@RequestParam long seconds) {
			Spinner.spinInAKnownMethod(seconds);
			return "spun";
		}

	}

}
