package dev.trafficguard.properties;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code traffic-guard.*} property is documented: a description and its default in the
 * generated IDE metadata, and a row in the README's property tables.
 */
class ConfigurationMetadataTests {

	/**
	 * Properties with no single default to show: maps of named groups, lists that are empty
	 * unless the user fills them, and defaults derived from the machine or the platform
	 * (processor count, Kubernetes) or from another property. Each is explained in its
	 * javadoc and README row.
	 */
	private static final Set<String> NO_STATIC_DEFAULT = Set.of(
			"traffic-guard.audit.ignore",
			"traffic-guard.executor.core-size",
			"traffic-guard.executor.max-fan-out-parallelism",
			"traffic-guard.executor.max-size",
			"traffic-guard.executor.pools",
			"traffic-guard.executor.queue-capacity",
			"traffic-guard.http-client.max-calls-per-host",
			"traffic-guard.overload.exclude-paths",
			"traffic-guard.overload.groups",
			"traffic-guard.overload.initial-limit",
			"traffic-guard.overload.max-limit",
			"traffic-guard.rate-limit.exclude-paths",
			"traffic-guard.rate-limit.max-memory",
			"traffic-guard.rate-limit.rules",
			"traffic-guard.rate-limit.trusted-proxies",
			"traffic-guard.shutdown.pre-stop-delay");

	@Test
	void everyPropertyHasADescriptionADefaultAndAReadmeRow() throws IOException {
		List<JsonNode> properties = trafficGuardProperties();
		assertThat(properties).isNotEmpty();
		String readme = Files.readString(Path.of("..", "README.md"));
		List<String> undocumented = new ArrayList<>();
		for (JsonNode property : properties) {
			String name = property.get("name").asString();
			JsonNode description = property.get("description");
			if (description == null || description.asString().isBlank()) {
				undocumented.add(name + " (no javadoc)");
			}
			if (property.get("defaultValue") == null && !NO_STATIC_DEFAULT.contains(name)) {
				undocumented.add(name + " (no default in the metadata)");
			}
			if (!readme.contains("`" + name)) {
				undocumented.add(name + " (no README row)");
			}
		}
		assertThat(undocumented).isEmpty();
	}

	@Test
	void defaultsTheProcessorCannotReadAreDeclared() throws IOException {
		JsonNode failureStatuses = trafficGuardProperties().stream()
			.filter((property) -> property.get("name").asString().equals("traffic-guard.circuit-breaker.failure-statuses"))
			.findFirst()
			.orElseThrow();
		assertThat(failureStatuses.get("defaultValue")).isNotNull();
		assertThat(failureStatuses.get("defaultValue").isArray()).isTrue();
		assertThat(failureStatuses.get("defaultValue").get(0).asString()).isEqualTo("5xx");
		assertThat(failureStatuses.get("description").asString()).isNotBlank();
	}

	private List<JsonNode> trafficGuardProperties() throws IOException {
		Path file = Path.of("target", "classes", "META-INF", "spring-configuration-metadata.json");
		assertThat(file).as("generated configuration metadata").exists();
		try (InputStream metadata = Files.newInputStream(file)) {
			JsonNode root = JsonMapper.builder().build().readTree(metadata);
			List<JsonNode> properties = new ArrayList<>();
			for (JsonNode property : root.get("properties")) {
				if (property.get("name").asString().startsWith("traffic-guard.")) {
					properties.add(property);
				}
			}
			return properties;
		}
	}

}
