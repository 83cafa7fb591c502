package dev.trafficguard.ratelimit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;
import static org.awaitility.Awaitility.await;

/**
 * End-to-end tests of the rate-limit filter: the real filter chain on an embedded Tomcat on
 * a random loopback port, called over HTTP.
 */
class RateLimitFilterIntegrationTests {

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@AfterEach
	void close() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void answersOverTheBurstWith429ProblemAndRateLimitHeaders() throws Exception {
		String base = start("traffic-guard.rate-limit.rules.default.capacity=3",
				"traffic-guard.rate-limit.rules.default.refill-tokens=1",
				"traffic-guard.rate-limit.rules.default.refill-period=1h");
		for (int remaining = 2; remaining >= 0; remaining--) {
			HttpResponse<String> allowed = get(base + "/api/hello");
			assertThat(allowed.statusCode()).isEqualTo(200);
			assertThat(allowed.headers().firstValue("RateLimit-Policy")).hasValue("\"default\";q=3;w=10800");
			assertThat(allowed.headers().firstValue("RateLimit")).get(as(STRING))
				.startsWith("\"default\";r=" + remaining + ";t=");
		}
		HttpResponse<String> limited = get(base + "/api/hello");
		assertThat(limited.statusCode()).isEqualTo(429);
		assertThat(limited.headers().firstValue("Content-Type")).get(as(STRING))
			.startsWith("application/problem+json");
		assertThat(limited.headers().firstValue("Retry-After")).get(as(STRING)).matches("[0-9]+");
		long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
		assertThat(retryAfter).isBetween(1L, 3600L);
		assertThat(limited.headers().firstValue("RateLimit-Policy")).hasValue("\"default\";q=3;w=10800");
		assertThat(limited.headers().firstValue("RateLimit")).hasValue("\"default\";r=0;t=" + retryAfter);
		assertThat(limited.body()).contains("\"type\":\"about:blank\"")
			.contains("\"title\":\"Too Many Requests\"")
			.contains("\"status\":429")
			.contains("\"detail\":\"Rate limit 'default' exceeded")
			.contains("\"instance\":\"/api/hello\"");
		HttpResponse<String> section = get(base + "/actuator/trafficguard/rate-limit");
		assertThat(section.statusCode()).isEqualTo(200);
		assertThat(section.body()).contains("\"allowed\":3").contains("\"limited\":1").contains("\"trackedClients\":1");
		HttpResponse<String> metric = get(base
				+ "/actuator/metrics/traffic.guard.ratelimit.requests?tag=rule:default&tag=outcome:limited");
		assertThat(metric.body()).contains("\"value\":1.0");
	}

	@Test
	void letsAClientThroughAgainOnceItsBucketRefills() throws Exception {
		String base = start("traffic-guard.rate-limit.rules.default.capacity=2",
				"traffic-guard.rate-limit.rules.default.refill-tokens=1",
				"traffic-guard.rate-limit.rules.default.refill-period=500ms");
		assertThat(get(base + "/api/hello").statusCode()).isEqualTo(200);
		assertThat(get(base + "/api/hello").statusCode()).isEqualTo(200);
		// The bucket refills one token every 500ms: a third request at once finds it empty
		// unless the machine stalled for that long, so wait for the 429 rather than
		// assume it.
		await().atMost(Duration.ofSeconds(20)).until(() -> get(base + "/api/hello").statusCode() == 429);
		await().atMost(Duration.ofSeconds(20)).until(() -> get(base + "/api/hello").statusCode() == 200);
	}

	@Test
	void limitsByTheFirstMatchingRuleOfPathMethodAndKey() throws Exception {
		String base = start("traffic-guard.rate-limit.rules.default.capacity=2",
				"traffic-guard.rate-limit.rules.default.refill-tokens=1",
				"traffic-guard.rate-limit.rules.default.refill-period=1h",
				"traffic-guard.rate-limit.rules.writes.paths=/api/**", "traffic-guard.rate-limit.rules.writes.methods=POST",
				"traffic-guard.rate-limit.rules.writes.key=header:X-Api-Key",
				"traffic-guard.rate-limit.rules.writes.capacity=1",
				"traffic-guard.rate-limit.rules.writes.refill-tokens=1",
				"traffic-guard.rate-limit.rules.writes.refill-period=1h",
				"traffic-guard.rate-limit.exclude-paths=/public/**");
		assertThat(post(base + "/api/hello", "X-Api-Key", "alice").statusCode()).isEqualTo(200);
		HttpResponse<String> limited = post(base + "/api/hello", "X-Api-Key", "alice");
		assertThat(limited.statusCode()).isEqualTo(429);
		assertThat(limited.body()).contains("Rate limit 'writes' exceeded");
		assertThat(post(base + "/api/hello", "X-Api-Key", "bob").statusCode()).isEqualTo(200);
		// GET is not a write: the default rule, per address, applies.
		HttpResponse<String> read = get(base + "/api/hello");
		assertThat(read.statusCode()).isEqualTo(200);
		assertThat(read.headers().firstValue("RateLimit")).get(as(STRING)).startsWith("\"default\";r=1;");
		assertThat(get(base + "/api/hello").statusCode()).isEqualTo(200);
		assertThat(get(base + "/api/hello").statusCode()).isEqualTo(429);
		for (int i = 0; i < 5; i++) {
			assertThat(get(base + "/actuator/health").statusCode()).isEqualTo(200);
			HttpResponse<String> excluded = get(base + "/public/hello");
			assertThat(excluded.statusCode()).isEqualTo(200);
			assertThat(excluded.headers().firstValue("RateLimit")).isEmpty();
		}
	}

	@Test
	void ignoresASpoofedForwardedForFromAnUntrustedAddress() throws Exception {
		String base = start("traffic-guard.rate-limit.rules.default.capacity=2",
				"traffic-guard.rate-limit.rules.default.refill-tokens=1",
				"traffic-guard.rate-limit.rules.default.refill-period=1h",
				"traffic-guard.rate-limit.trusted-proxies=10.0.0.0/8");
		assertThat(get(base + "/api/hello", "X-Forwarded-For", "198.51.100.1").statusCode()).isEqualTo(200);
		assertThat(get(base + "/api/hello", "X-Forwarded-For", "198.51.100.2").statusCode()).isEqualTo(200);
		assertThat(get(base + "/api/hello", "X-Forwarded-For", "198.51.100.3").statusCode()).isEqualTo(429);
		assertThat(get(base + "/api/hello", "Forwarded", "for=198.51.100.4").statusCode()).isEqualTo(429);
	}

	@Test
	void honoursForwardedForFromATrustedProxy() throws Exception {
		String base = start("traffic-guard.rate-limit.rules.default.capacity=2",
				"traffic-guard.rate-limit.rules.default.refill-tokens=1",
				"traffic-guard.rate-limit.rules.default.refill-period=1h",
				"traffic-guard.rate-limit.trusted-proxies=127.0.0.0/8,::1/128");
		for (int client = 1; client <= 5; client++) {
			assertThat(get(base + "/api/hello", "X-Forwarded-For", "198.51.100." + client).statusCode())
				.isEqualTo(200);
		}
		assertThat(get(base + "/api/hello", "X-Forwarded-For", "203.0.113.9, 127.0.0.2").statusCode()).isEqualTo(200);
		assertThat(get(base + "/api/hello", "X-Forwarded-For", "203.0.113.9").statusCode()).isEqualTo(200);
		assertThat(get(base + "/api/hello", "X-Forwarded-For", "203.0.113.9").statusCode()).isEqualTo(429);
	}

	@Test
	void keysRequestsWithTheApplicationsResolver() throws Exception {
		String base = start(TenantKeyConfiguration.class, "traffic-guard.rate-limit.rules.default.capacity=1",
				"traffic-guard.rate-limit.rules.default.refill-tokens=1",
				"traffic-guard.rate-limit.rules.default.refill-period=1h");
		assertThat(get(base + "/api/hello", "X-Tenant", "a").statusCode()).isEqualTo(200);
		assertThat(get(base + "/api/hello", "X-Tenant", "a").statusCode()).isEqualTo(429);
		assertThat(get(base + "/api/hello", "X-Tenant", "b").statusCode()).isEqualTo(200);
		// The resolver gives no key without the header: such requests are not limited.
		for (int i = 0; i < 3; i++) {
			assertThat(get(base + "/api/hello").statusCode()).isEqualTo(200);
		}
	}

	@Test
	void omitsHeadersOnAllowedResponsesWhenSwitchedOff() throws Exception {
		String base = start("traffic-guard.rate-limit.headers-on-allowed=false",
				"traffic-guard.rate-limit.rules.default.capacity=1",
				"traffic-guard.rate-limit.rules.default.refill-tokens=1",
				"traffic-guard.rate-limit.rules.default.refill-period=1h");
		HttpResponse<String> allowed = get(base + "/api/hello");
		assertThat(allowed.statusCode()).isEqualTo(200);
		assertThat(allowed.headers().firstValue("RateLimit")).isEmpty();
		assertThat(allowed.headers().firstValue("RateLimit-Policy")).isEmpty();
		HttpResponse<String> limited = get(base + "/api/hello");
		assertThat(limited.statusCode()).isEqualTo(429);
		assertThat(limited.headers().firstValue("RateLimit")).isPresent();
	}

	@Test
	void limitsNothingWhenDisabled() throws Exception {
		String base = start("traffic-guard.rate-limit.enabled=false",
				"traffic-guard.rate-limit.rules.default.capacity=1");
		for (int i = 0; i < 5; i++) {
			HttpResponse<String> response = get(base + "/api/hello");
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.headers().firstValue("RateLimit")).isEmpty();
		}
	}

	@Test
	void decidesOncePerRequestThroughForwardsAndErrorDispatches() throws Exception {
		String base = start("traffic-guard.rate-limit.rules.default.capacity=3",
				"traffic-guard.rate-limit.rules.default.refill-tokens=1",
				"traffic-guard.rate-limit.rules.default.refill-period=1h");
		HttpResponse<String> forwarded = get(base + "/api/forward");
		assertThat(forwarded.statusCode()).isEqualTo(200);
		assertThat(forwarded.body()).isEqualTo("hello");
		assertThat(forwarded.headers().firstValue("RateLimit")).get(as(STRING)).startsWith("\"default\";r=2;");
		// A handler that fails is answered through an error dispatch to /error
		assertThat(get(base + "/api/fail").statusCode()).isEqualTo(500);
		HttpResponse<String> last = get(base + "/api/hello");
		assertThat(last.statusCode()).isEqualTo(200);
		assertThat(last.headers().firstValue("RateLimit")).get(as(STRING)).startsWith("\"default\";r=0;");
		assertThat(get(base + "/api/hello").statusCode()).isEqualTo(429);
	}

	private String start(String... properties) {
		return start(null, properties);
	}

	private String start(Class<?> extra, String... properties) {
		SpringApplicationBuilder builder = (extra != null) ? new SpringApplicationBuilder(TestApplication.class, extra)
				: new SpringApplicationBuilder(TestApplication.class);
		ConfigurableApplicationContext context = builder
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"management.endpoints.web.exposure.include=health,trafficguard,metrics",
					"management.health.redis.enabled=false")
			.properties(properties)
			.run();
		this.contexts.add(context);
		return "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
	}

	private HttpResponse<String> get(String uri, String... headers) throws IOException, InterruptedException {
		return send(HttpRequest.newBuilder(URI.create(uri)).GET(), headers);
	}

	private HttpResponse<String> post(String uri, String... headers) throws IOException, InterruptedException {
		return send(HttpRequest.newBuilder(URI.create(uri)).POST(HttpRequest.BodyPublishers.noBody()), headers);
	}

	private HttpResponse<String> send(HttpRequest.Builder request, String... headers)
			throws IOException, InterruptedException {
		if (headers.length > 0) {
			request.headers(headers);
		}
		return this.http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@RestController
	static class TestApplication {

		@GetMapping({ "/api/hello", "/public/hello" })
		String hello() {
			return "hello";
		}

		@PostMapping("/api/hello")
		String write() {
			return "written";
		}

		@GetMapping("/api/forward")
		void forward(HttpServletRequest request, HttpServletResponse response) throws Exception {
			request.getRequestDispatcher("/api/hello").forward(request, response);
		}

		@GetMapping("/api/fail")
		String fail() {
			throw new IllegalStateException("failed on purpose");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TenantKeyConfiguration {

		@Bean
		ClientKeyResolver tenantKey() {
			return (request) -> request.getHeader("X-Tenant");
		}

	}

}
