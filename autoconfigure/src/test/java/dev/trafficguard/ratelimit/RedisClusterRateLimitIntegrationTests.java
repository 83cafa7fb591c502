package dev.trafficguard.ratelimit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Redis backend against a real 3-node Redis Cluster and a real Sentinel, configured
 * only through Spring Boot's {@code spring.data.redis.cluster.*} and
 * {@code spring.data.redis.sentinel.*}. The test starts its own {@code redis-server}
 * processes (found on the {@code PATH}) on free ports, each in a temporary directory of its
 * own, and stops them afterwards.
 */
class RedisClusterRateLimitIntegrationTests {

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private final List<Process> processes = new ArrayList<>();

	private final String keyPrefix = "traffic-guard-test:" + UUID.randomUUID() + ":";

	@TempDir
	Path directory;

	@AfterEach
	void stop() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
		for (Process process : this.processes) {
			process.destroy();
		}
		for (Process process : this.processes) {
			try {
				if (!process.waitFor(20, TimeUnit.SECONDS)) {
					process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Test
	void instancesShareOneLimitInARedisClusterAndBucketsSpreadOverItsNodes() throws Exception {
		List<Integer> ports = startCluster(3);
		String nodes = String.join(",", ports.stream().map((port) -> "127.0.0.1:" + port).toList());
		String first = start("spring.data.redis.cluster.nodes=" + nodes);
		String second = start("spring.data.redis.cluster.nodes=" + nodes);
		for (String instance : List.of(first, second)) {
			await().atMost(Duration.ofSeconds(60))
				.until(() -> get(instance + "/actuator/health/trafficGuardRateLimit").body().contains("\"UP\""));
		}
		assertThat(get(first + "/actuator/health/trafficGuardRateLimit").body()).contains("\"redis\":\"cluster ");

		// One client's burst of 2 is shared by both instances.
		assertThat(get(first, "client-0").statusCode()).isEqualTo(200);
		assertThat(get(second, "client-0").statusCode()).isEqualTo(200);
		assertThat(get(first, "client-0").statusCode()).isEqualTo(429);
		assertThat(get(second, "client-0").statusCode()).isEqualTo(429);

		// Clients' buckets are keys in different slots: each is decided on the node that owns
		// its slot, so the cluster holds them on more than one node.
		for (int client = 1; client <= 30; client++) {
			assertThat(get((client % 2 == 0) ? first : second, "client-" + client).statusCode()).isEqualTo(200);
		}
		int nodesWithBuckets = 0;
		for (int port : ports) {
			if (Integer.parseInt(redisCli(port, "DBSIZE").strip()) > 0) {
				nodesWithBuckets++;
			}
		}
		assertThat(nodesWithBuckets).isGreaterThan(1);
	}

	@Test
	void instancesShareOneLimitOnTheMasterItsSentinelNames() throws Exception {
		int master = freePort();
		startRedis(this.directory.resolve("master"), "--port", Integer.toString(master));
		int sentinel = freePort();
		Path sentinelDirectory = Files.createDirectories(this.directory.resolve("sentinel"));
		Path configuration = sentinelDirectory.resolve("sentinel.conf");
		Files.writeString(configuration, "port " + sentinel + "\nbind 127.0.0.1\nsentinel monitor traffic-guard 127.0.0.1 "
				+ master + " 1\n", StandardCharsets.US_ASCII);
		startProcess(sentinelDirectory, RedisExecutables.find("redis-server"), configuration.toString(), "--sentinel",
				"--dir", sentinelDirectory.toString());
		await().atMost(Duration.ofSeconds(30)).until(() -> redisCli(sentinel, "PING").strip().equals("PONG"));

		String[] properties = { "spring.data.redis.sentinel.master=traffic-guard",
				"spring.data.redis.sentinel.nodes=127.0.0.1:" + sentinel };
		String first = start(properties);
		String second = start(properties);
		for (String instance : List.of(first, second)) {
			await().atMost(Duration.ofSeconds(60))
				.until(() -> get(instance + "/actuator/health/trafficGuardRateLimit").body().contains("\"UP\""));
		}
		assertThat(get(first + "/actuator/health/trafficGuardRateLimit").body())
			.contains("master 'traffic-guard' of sentinels 127.0.0.1:" + sentinel);
		assertThat(get(first, "client").statusCode()).isEqualTo(200);
		assertThat(get(second, "client").statusCode()).isEqualTo(200);
		assertThat(get(first, "client").statusCode()).isEqualTo(429);
		assertThat(get(second, "client").statusCode()).isEqualTo(429);
		assertThat(Integer.parseInt(redisCli(master, "DBSIZE").strip())).isEqualTo(1);
	}

	private List<Integer> startCluster(int size) throws Exception {
		List<Integer> ports = new ArrayList<>();
		List<String> create = new ArrayList<>(List.of(RedisExecutables.find("redis-cli"), "--cluster", "create"));
		for (int i = 0; i < size; i++) {
			int port = freePort();
			ports.add(port);
			Path node = this.directory.resolve("node-" + port);
			// The cluster bus port is a free port too (by default it is port + 10000, which may be taken
			// or beyond 65535).
			startRedis(node, "--port", Integer.toString(port), "--cluster-port", Integer.toString(freePort()),
					"--cluster-enabled", "yes", "--cluster-config-file", node.resolve("nodes.conf").toString(),
					"--cluster-node-timeout", "5000");
			create.add("127.0.0.1:" + port);
		}
		create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
		Process creation = new ProcessBuilder(create).redirectErrorStream(true).start();
		String output = new String(creation.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(creation.waitFor(60, TimeUnit.SECONDS)).as(output).isTrue();
		assertThat(creation.exitValue()).as(output).isZero();
		for (int port : ports) {
			await().atMost(Duration.ofSeconds(60))
				.until(() -> redisCli(port, "CLUSTER", "INFO").contains("cluster_state:ok"));
		}
		return ports;
	}

	private void startRedis(Path directory, String... arguments) throws IOException {
		Files.createDirectories(directory);
		List<String> command = new ArrayList<>(List.of(RedisExecutables.find("redis-server")));
		command.addAll(List.of(arguments));
		command.addAll(List.of("--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir",
				directory.toString()));
		startProcess(directory, command.toArray(String[]::new));
		int port = Integer.parseInt(arguments[1]);
		await().atMost(Duration.ofSeconds(30)).until(() -> redisCli(port, "PING").strip().equals("PONG"));
	}

	private void startProcess(Path directory, String... command) throws IOException {
		this.processes.add(new ProcessBuilder(command).directory(directory.toFile())
			.redirectErrorStream(true)
			.redirectOutput(directory.resolve("out.log").toFile())
			.start());
	}

	private static String redisCli(int port, String... command) throws IOException, InterruptedException {
		List<String> arguments = new ArrayList<>(
				List.of(RedisExecutables.find("redis-cli"), "-h", "127.0.0.1", "-p", Integer.toString(port)));
		arguments.addAll(List.of(command));
		Process process = new ProcessBuilder(arguments).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		process.waitFor(10, TimeUnit.SECONDS);
		return output;
	}

	private String start(String... properties) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"management.endpoints.web.exposure.include=health",
					"management.endpoint.health.show-details=always", "management.health.redis.enabled=false",
					"traffic-guard.rate-limit.backend=redis", "traffic-guard.rate-limit.failure-mode=closed",
					// Generous for a loaded machine: the default 50ms is for production.
					"traffic-guard.rate-limit.redis-timeout=5s",
					"traffic-guard.rate-limit.redis-key-prefix=" + this.keyPrefix,
					"traffic-guard.rate-limit.rules.default.key=header:X-Client",
					"traffic-guard.rate-limit.rules.default.capacity=2",
					"traffic-guard.rate-limit.rules.default.refill-tokens=2",
					"traffic-guard.rate-limit.rules.default.refill-period=1h")
			.properties(properties)
			.run();
		this.contexts.add(context);
		return "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
	}

	private HttpResponse<String> get(String uri) throws IOException, InterruptedException {
		return this.http.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> get(String base, String client) throws IOException, InterruptedException {
		return this.http.send(HttpRequest.newBuilder(URI.create(base + "/api/hello"))
			.header("X-Client", client)
			.timeout(Duration.ofSeconds(30))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
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
