package dev.trafficguard.sample;

import java.util.Map;

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

	DownstreamController(RestClient.Builder builder, Environment environment) {
		this.restClient = builder.build();
		this.environment = environment;
	}

	@GetMapping("/api/downstream")
	Map<String, Object> downstream() {
		// Read per call: the default points at this server's own port, known once it runs.
		String url = this.environment.getRequiredProperty("sample.downstream-url");
		String body = this.restClient.get().uri(url + "/").retrieve().body(String.class);
		return Map.of("downstream", url, "body", (body != null) ? body : "");
	}

	@GetMapping("/stub/")
	Map<String, Object> stub() {
		return Map.of("stub", true);
	}

}
