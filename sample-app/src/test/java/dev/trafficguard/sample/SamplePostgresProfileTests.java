package dev.trafficguard.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.trafficguard.audit.StartupAudit;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample app's {@code postgres} profile against the real PostgreSQL on 127.0.0.1:5432.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("postgres")
class SamplePostgresProfileTests {

	@LocalServerPort
	private int port;

	@Autowired
	private JdbcTemplate jdbcTemplate;

	@Autowired
	private StartupAudit audit;

	@Test
	void dbEndpointRunsOnPostgres() throws Exception {
		assertThat(this.jdbcTemplate.queryForObject("SELECT version()", String.class)).startsWith("PostgreSQL");
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/api/db")).build(),
					HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"result\":1");
	}

	@Test
	void startupAuditFindsNothingToFixOnPostgres() {
		assertThat(this.audit.getFindings()).isEmpty();
	}

}
