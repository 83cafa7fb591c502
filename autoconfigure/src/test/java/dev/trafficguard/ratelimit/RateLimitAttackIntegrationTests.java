package dev.trafficguard.ratelimit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;
import static org.awaitility.Awaitility.await;

/**
 * The requests an attacker would send to defeat the per-client limit or exhaust the heap, on
 * an embedded Tomcat on a random loopback port, through the real filter chain. Loopback is
 * the trusted proxy where a test needs one, so the test plays both the proxy and the client.
 */
class RateLimitAttackIntegrationTests {

	private static final String TRUST_LOOPBACK = "traffic-guard.rate-limit.trusted-proxies=127.0.0.0/8,::1/128";

	private static final String[] TWO_PER_HOUR = { "traffic-guard.rate-limit.rules.default.capacity=2",
			"traffic-guard.rate-limit.rules.default.refill-tokens=1",
			"traffic-guard.rate-limit.rules.default.refill-period=1h" };

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	private final JsonMapper json = JsonMapper.builder().build();

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@AfterEach
	void close() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void aClientsForwardedHeaderCannotOverrideTheProxysXForwardedFor() throws Exception {
		String base = start(TRUST_LOOPBACK, TWO_PER_HOUR);
		List<Integer> statuses = new ArrayList<>();
		for (int i = 1; i <= 6; i++) {
			statuses.add(get(base + "/api/hello", "Forwarded", "for=10.9.0." + i, "X-Forwarded-For", "198.51.100.9")
				.statusCode());
		}
		assertThat(statuses).containsExactly(200, 200, 429, 429, 429, 429);
	}

	@Test
	void aClientsXForwardedForCannotOverrideTheProxysForwarded() throws Exception {
		String base = start(TRUST_LOOPBACK, "traffic-guard.web.forwarded-header=forwarded", TWO_PER_HOUR[0],
				TWO_PER_HOUR[1], TWO_PER_HOUR[2]);
		List<Integer> statuses = new ArrayList<>();
		for (int i = 1; i <= 6; i++) {
			statuses.add(get(base + "/api/hello", "X-Forwarded-For", "10.9.0." + i, "Forwarded", "for=198.51.100.9")
				.statusCode());
		}
		assertThat(statuses).containsExactly(200, 200, 429, 429, 429, 429);
		HttpResponse<String> section = get(base + "/actuator/trafficguard/rate-limit");
		assertThat(this.json.readTree(section.body()).path("forwardedHeader").path("value").asString())
			.isEqualTo("Forwarded");
	}

	@Test
	void theProxysLastHeaderLineKeysTheRequestHoweverManyLinesTheClientSent() throws Exception {
		String base = start(TRUST_LOOPBACK, TWO_PER_HOUR);
		List<Integer> statuses = new ArrayList<>();
		for (int request = 0; request < 5; request++) {
			List<String> headers = new ArrayList<>();
			// 32 lines the client wrote, all different on every request, then the proxy's line
			for (int line = 0; line < 32; line++) {
				headers.add("X-Forwarded-For");
				headers.add("10.9." + request + "." + line);
			}
			headers.add("X-Forwarded-For");
			headers.add("198.51.100.9");
			statuses.add(get(base + "/api/hello", headers.toArray(String[]::new)).statusCode());
		}
		assertThat(statuses).containsExactly(200, 200, 429, 429, 429);
	}

	@Test
	void oneHostsIpv6AddressesShareTheBucketOfTheirSlash64() throws Exception {
		String base = start(TRUST_LOOPBACK, TWO_PER_HOUR);
		List<Integer> statuses = new ArrayList<>();
		for (int i = 1; i <= 6; i++) {
			statuses.add(get(base + "/api/hello", "X-Forwarded-For", "2001:db8:1:2::" + Integer.toHexString(i * 4099))
				.statusCode());
		}
		assertThat(statuses).containsExactly(200, 200, 429, 429, 429, 429);
		// Another /64 is another client
		assertThat(get(base + "/api/hello", "X-Forwarded-For", "2001:db8:1:3::1").statusCode()).isEqualTo(200);
		// The same IPv4 client written three ways
		assertThat(get(base + "/api/hello", "X-Forwarded-For", "198.51.100.7").statusCode()).isEqualTo(200);
		assertThat(get(base + "/api/hello", "X-Forwarded-For", "::ffff:198.51.100.7").statusCode()).isEqualTo(200);
		assertThat(get(base + "/api/hello", "X-Forwarded-For", "[::ffff:c633:6407]").statusCode()).isEqualTo(429);
	}

	@Test
	void everyIpv6AddressIsItsOwnClientWithAPrefixOf128() throws Exception {
		String base = start(TRUST_LOOPBACK, "traffic-guard.rate-limit.ipv6-prefix-length=128", TWO_PER_HOUR[0],
				TWO_PER_HOUR[1], TWO_PER_HOUR[2]);
		for (int i = 1; i <= 4; i++) {
			assertThat(get(base + "/api/hello", "X-Forwarded-For", "2001:db8:1:2::" + i).statusCode()).isEqualTo(200);
		}
	}

	@Test
	void aFloodOfMadeUpKeysSharesOneOverflowBucketAndTrackedClientsKeepTheirs() throws Exception {
		// 60KB over three rules (actuator, api, default): about a hundred clients per rule
		String base = start("traffic-guard.rate-limit.max-memory=60KB", "traffic-guard.rate-limit.rules.api.paths=/api/**",
				"traffic-guard.rate-limit.rules.api.key=header:X-Api-Key", "traffic-guard.rate-limit.rules.api.capacity=5",
				"traffic-guard.rate-limit.rules.api.refill-tokens=1", "traffic-guard.rate-limit.rules.api.refill-period=1h");
		long maxClients = LocalRateLimitBackend.maxClientsPerRule(60 * 1024, 3, 1_000_000);
		assertThat(get(base + "/api/hello", "X-Api-Key", "alice").statusCode()).isEqualTo(200);
		int flood = (int) maxClients + 200;
		int allowed = 0;
		for (int i = 0; i < flood; i++) {
			allowed += (get(base + "/api/hello", "X-Api-Key", "made-up-" + i).statusCode() == 200) ? 1 : 0;
		}
		// Every key gets its own bucket until the table is full; later keys share one bucket
		// of the rule's size (5), as one client would
		assertThat(allowed).isEqualTo((int) (maxClients - 1) + 5);
		assertThat(get(base + "/api/hello", "X-Api-Key", "yet-another").statusCode()).isEqualTo(429);
		// The client tracked before the flood keeps its own bucket: four tokens left
		for (int i = 0; i < 4; i++) {
			assertThat(get(base + "/api/hello", "X-Api-Key", "alice").statusCode()).isEqualTo(200);
		}
		assertThat(get(base + "/api/hello", "X-Api-Key", "alice").statusCode()).isEqualTo(429);
		JsonNode section = this.json.readTree(get(base + "/actuator/trafficguard/rate-limit").body());
		JsonNode api = null;
		for (JsonNode rule : section.path("rules")) {
			if (rule.path("name").asString().equals("api")) {
				api = rule;
			}
		}
		assertThat(api).isNotNull();
		assertThat(api.path("maxClients").asLong()).isEqualTo(maxClients);
		assertThat(api.path("trackedClients").asLong()).isLessThanOrEqualTo(maxClients);
		long overflow = flood - (maxClients - 1) + 1;
		assertThat(api.path("counts").path("overflow").asLong()).isEqualTo(overflow);
		assertThat(section.path("maxMemory").path("value").asString()).isEqualTo("60KB");
		HttpResponse<String> metric = get(base + "/actuator/metrics/traffic.guard.ratelimit.overflow?tag=rule:api");
		assertThat(metric.body()).contains("\"value\":" + overflow + ".0");
	}

	@Test
	void aHeaderKeyOverTheLengthLimitIsABadRequest() throws Exception {
		String base = start("traffic-guard.rate-limit.rules.api.paths=/api/**",
				"traffic-guard.rate-limit.rules.api.key=header:X-Api-Key");
		HttpResponse<String> response = get(base + "/api/hello", "X-Api-Key", "k".repeat(257));
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.headers().firstValue("Content-Type")).get(as(STRING))
			.startsWith("application/problem+json");
		assertThat(response.body()).contains("\"status\":400")
			.contains("\"detail\":\"The client key of rate limit 'api' (header:X-Api-Key) is longer than 256 characters.\"");
		assertThat(get(base + "/api/hello", "X-Api-Key", "k".repeat(256)).statusCode()).isEqualTo(200);
		HttpResponse<String> metric = get(base
				+ "/actuator/metrics/traffic.guard.ratelimit.requests?tag=rule:api&tag=outcome:invalid-key");
		assertThat(metric.body()).contains("\"value\":1.0");
	}

	@Test
	void idleClientsAreForgottenAfterAFloodEndsWithNoMoreRequests() throws Exception {
		// A bucket of one refills in 100ms: then its client can be forgotten
		ConfigurableApplicationContext context = startContext(TRUST_LOOPBACK,
				"traffic-guard.rate-limit.rules.default.capacity=1", "traffic-guard.rate-limit.rules.default.refill-tokens=1",
				"traffic-guard.rate-limit.rules.default.refill-period=100ms");
		String base = base(context);
		for (int i = 0; i < 300; i++) {
			get(base + "/api/hello", "X-Forwarded-For", "198.51." + (i >> 8) + "." + (i & 0xff));
		}
		RateLimitFilter filter = context.getBean(RateLimitFilter.class);
		RateLimitRule rule = filter.rules()[1];
		assertThat(rule.name()).isEqualTo("default");
		assertThat(filter.backend().trackedClients(rule)).isPositive();
		// No request reaches the rule from here on: only the housekeeping thread can forget them
		await().atMost(Duration.ofSeconds(30)).until(() -> filter.backend().trackedClients(rule) == 0);
	}

	@Test
	void aFloodOfActuatorRequestsIsLimitedAndHealthIsNot() throws Exception {
		// The actuator rule's burst of 20 as it ships, refilled slowly so that the count is exact
		String base = start(TRUST_LOOPBACK, "traffic-guard.rate-limit.actuator.refill-tokens=1",
				"traffic-guard.rate-limit.actuator.refill-period=1h");
		List<Integer> statuses = new ArrayList<>();
		for (int i = 0; i < 30; i++) {
			statuses.add(get(base + "/actuator/trafficguard", "X-Forwarded-For", "198.51.100.66").statusCode());
		}
		assertThat(statuses.subList(0, 20)).containsOnly(200);
		assertThat(statuses.subList(20, 30)).containsOnly(429);
		HttpResponse<String> limited = get(base + "/actuator/metrics", "X-Forwarded-For", "198.51.100.66");
		assertThat(limited.body()).contains("Rate limit 'actuator' exceeded");
		for (int i = 0; i < 30; i++) {
			assertThat(get(base + "/actuator/health", "X-Forwarded-For", "198.51.100.66").statusCode()).isEqualTo(200);
			assertThat(get(base + "/actuator/health/liveness", "X-Forwarded-For", "198.51.100.66").statusCode())
				.isIn(200, 404);
		}
		// Another client's actuator calls and the flooding client's own API calls are not affected
		assertThat(get(base + "/actuator/trafficguard", "X-Forwarded-For", "198.51.100.67").statusCode()).isEqualTo(200);
		assertThat(get(base + "/api/hello", "X-Forwarded-For", "198.51.100.66").statusCode()).isEqualTo(200);
	}

	@Test
	void theActuatorIsNotLimitedWhenItsRuleIsSwitchedOff() throws Exception {
		String base = start("traffic-guard.rate-limit.actuator.enabled=false",
				"traffic-guard.rate-limit.actuator.capacity=1");
		for (int i = 0; i < 5; i++) {
			assertThat(get(base + "/actuator/trafficguard").statusCode()).isEqualTo(200);
		}
	}

	private String start(String first, String... properties) {
		List<String> all = new ArrayList<>();
		all.add(first);
		all.addAll(List.of(properties));
		return base(startContext(all.toArray(String[]::new)));
	}

	private ConfigurableApplicationContext startContext(String... properties) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"management.endpoints.web.exposure.include=health,trafficguard,metrics",
					"management.endpoint.health.probes.enabled=true", "management.health.redis.enabled=false")
			.properties(properties)
			.run();
		this.contexts.add(context);
		return context;
	}

	private static String base(ConfigurableApplicationContext context) {
		return "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
	}

	private HttpResponse<String> get(String uri, String... headers) throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri)).GET();
		if (headers.length > 0) {
			request.headers(headers);
		}
		return this.http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@RestController
	static class TestApplication {

		@GetMapping("/api/hello")
		String hello() {
			return "hello";
		}

	}

}
