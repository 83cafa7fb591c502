package dev.trafficguard.overload;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of overload protection on virtual threads ({@code spring.threads.virtual.enabled}),
 * where Tomcat has no thread bound and no queue: the limiter is the bound. They need JDK 21
 * or later and are skipped on older JDKs; CI runs them on a second JDK with
 * {@code -Dgroups=virtual-threads}.
 */
@Tag("virtual-threads")
@EnabledForJreRange(min = JRE.JAVA_21)
class OverloadVirtualThreadsTests {

	private static final long WAIT = 30;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	private ConfigurableApplicationContext context;

	private OverloadIntegrationTests.Gate gate;

	@AfterEach
	void close() {
		if (this.gate != null) {
			this.gate.open();
		}
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void theLimiterIsTheBoundOnVirtualThreads() throws Exception {
		this.context = new SpringApplicationBuilder(OverloadIntegrationTests.TestApplication.class)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"spring.threads.virtual.enabled=true", "management.endpoints.web.exposure.include=health,trafficguard",
					"management.health.redis.enabled=false", "traffic-guard.rate-limit.enabled=false",
					"traffic-guard.overload.algorithm=fixed", "traffic-guard.overload.min-limit=1",
					"traffic-guard.overload.max-limit=20")
			.run();
		String base = "http://127.0.0.1:" + this.context.getEnvironment().getProperty("local.server.port");
		this.gate = this.context.getBean(OverloadIntegrationTests.Gate.class);
		assertThat(get(base + "/api/fast").body()).contains("VirtualThread");
		// Virtual threads would take all 50 at once; the limiter admits 20
		List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			responses.add(this.http.sendAsync(request(base + "/api/slow"), HttpResponse.BodyHandlers.ofString()));
		}
		assertThat(this.gate.entered.tryAcquire(20, WAIT, TimeUnit.SECONDS)).isTrue();
		int shed = 0;
		for (CompletableFuture<HttpResponse<String>> response : responses) {
			if (response.isDone()) {
				assertThat(response.get().statusCode()).isEqualTo(503);
				shed++;
			}
		}
		// Every request not admitted is answered at once, while the 20 are still held
		RequestLimiter limiter = this.context.getBean(RequestLimiter.class);
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(WAIT))
			.until(() -> limiter.getShed(ShedReason.LIMIT) == 30);
		assertThat(this.gate.calls.get()).isEqualTo(20);
		assertThat(limiter.getInFlight()).isEqualTo(20);
		assertThat(shed).isLessThanOrEqualTo(30);
		assertThat(get(base + "/actuator/health").statusCode()).isEqualTo(200);
		assertThat(get(base + "/actuator/trafficguard/overload").body()).contains("\"queueTimeMeasured\":false");
		this.gate.open();
		int ok = 0;
		for (CompletableFuture<HttpResponse<String>> response : responses) {
			if (response.get(WAIT, TimeUnit.SECONDS).statusCode() == 200) {
				ok++;
			}
		}
		assertThat(ok).isEqualTo(20);
	}

	private HttpResponse<String> get(String uri) throws Exception {
		return this.http.send(request(uri), HttpResponse.BodyHandlers.ofString());
	}

	private static HttpRequest request(String uri) {
		return HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(60)).GET().build();
	}

}
