package dev.trafficguard.bench.baseline;

import java.util.Map;

import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

/**
 * {@code GET /api/downstream}: calls {@code GET {sample.downstream-url}/} through the shared
 * HTTP client and returns what came back. {@code GET /stub/} is the downstream the sample
 * calls by default, so the endpoint works with no other process.
 */
@RestController
class DownstreamController {

	private final RestClient restClient;

	private final Environment environment;

	private volatile String url = "";

	DownstreamController(RestClient.Builder builder, Environment environment) {
		this.restClient = builder.build();
		this.environment = environment;
	}

	// Resolved once the server runs: the default points at this server's own port.
	@EventListener
	void resolveDownstreamUrl(WebServerInitializedEvent event) {
		this.url = this.environment.getRequiredProperty("sample.downstream-url");
	}

	@GetMapping("/api/downstream")
	Map<String, Object> downstream() {
		String url = this.url;
		String body = this.restClient.get().uri(url + "/").retrieve().body(String.class);
		return Map.of("downstream", url, "body", (body != null) ? body : "");
	}

	@GetMapping("/stub/")
	Map<String, Object> stub() {
		return Map.of("stub", true);
	}

}
