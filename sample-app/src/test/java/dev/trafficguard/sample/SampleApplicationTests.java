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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample app's endpoints on a real embedded server, called over real HTTP.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class SampleApplicationTests {

	private final HttpClient client = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Autowired
	private StartupAudit audit;

	@Test
	void workHoldsTheThreadAndAnswersJson() throws Exception {
		HttpResponse<String> response = get("/api/work?ms=5");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"worked-ms\":5");
	}

	@Test
	void workWithoutMsAnswersAtOnce() throws Exception {
		HttpResponse<String> response = get("/api/work");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"worked-ms\":0");
	}

	@Test
	void workOutOfRangeIsA400ProblemNamingTheParameter() throws Exception {
		for (String query : new String[] { "ms=-1", "ms=10001", "ms=abc" }) {
			HttpResponse<String> response = get("/api/work?" + query);
			assertThat(response.statusCode()).as(query).isEqualTo(400);
			assertThat(response.headers().firstValue("Content-Type")).as(query)
				.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
			assertThat(response.body()).as(query).contains("'ms'").contains("\"parameter\":\"ms\"");
		}
	}

	@Test
	void dbRunsAQueryOnAPooledConnection() throws Exception {
		HttpResponse<String> response = get("/api/db?hold-ms=5");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"result\":1").contains("\"held-ms\":5");
	}

	@Test
	void downstreamCallsTheSamplesOwnStubByDefault() throws Exception {
		HttpResponse<String> response = get("/api/downstream");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("stub").contains("127.0.0.1:" + this.port);
	}

	@Test
	void fanOutReturnsResultsInOrder() throws Exception {
		HttpResponse<String> response = get("/api/fanout?n=5&ms=1");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("[\"task-0\",\"task-1\",\"task-2\",\"task-3\",\"task-4\"]");
	}

	@Test
	void trafficGuardEndpointAndProbesAreExposed() throws Exception {
		HttpResponse<String> report = get("/actuator/trafficguard");
		assertThat(report.statusCode()).isEqualTo(200);
		assertThat(report.body()).contains("\"enabled\":true").contains("\"features\"");
		assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
		assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);
		assertThat(get("/actuator/prometheus").statusCode()).isEqualTo(200);
		assertThat(get("/actuator/info").statusCode()).isEqualTo(200);
	}

	@Test
	void startupAuditFindsNothingToFix() throws Exception {
		assertThat(this.audit.getFindings()).isEmpty();
		HttpResponse<String> section = get("/actuator/trafficguard/audit");
		assertThat(section.statusCode()).isEqualTo(200);
		assertThat(section.body()).contains("\"ran\":true").contains("\"findings\":[]");
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
