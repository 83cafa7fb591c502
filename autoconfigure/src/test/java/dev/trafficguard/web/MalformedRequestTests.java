package dev.trafficguard.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Malformed requests sent over raw sockets to a real embedded Tomcat: whatever Tomcat
 * rejects before the application, whatever Spring MVC rejects, and error responses with an
 * empty body all come back as {@code application/problem+json} with a 4xx, and none is
 * logged at ERROR or with a stack trace.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(classes = MalformedRequestTests.MalformedRequestApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "management.endpoints.web.exposure.include=trafficguard,metrics",
				"traffic-guard.rate-limit.enabled=false", "spring.datasource.generate-unique-name=true" })
class MalformedRequestTests {

	private static final String LONG = "a".repeat(10_000);

	@LocalServerPort
	private int port;

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "GET /api/a%2Fb HTTP/1.1", "GET /api/a\\b HTTP/1.1", "GET /api/a%00b HTTP/1.1",
			"GET /api/a%zzb HTTP/1.1", "GET /api/../../etc/passwd HTTP/1.1" })
	void requestLineTomcatRejectsIsA400Problem(String requestLine, CapturedOutput output) throws IOException {
		int logStart = output.getAll().length();
		Response response = send(requestLine.replace("LONG", LONG) + "\r\nHost: localhost\r\nConnection: close\r\n\r\n");
		assertProblem(response, 400);
		assertNothingLoggedAtErrorOrWithTrace(output.getAll().substring(logStart));
	}

	@Test
	void requestLineOverTheLimitIsA414Problem() throws IOException {
		assertProblem(send("GET /api/number?n=" + LONG + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"),
				414);
		assertProblem(send("GET /" + LONG + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"), 414);
	}

	@Test
	void headerOverTheLimitIsA431Problem() throws IOException {
		assertProblem(send("GET /api/number?n=1 HTTP/1.1\r\nHost: localhost\r\nX-Big: " + LONG
				+ "\r\nConnection: close\r\n\r\n"), 431);
	}

	@Test
	void badHostIsA400Problem() throws IOException {
		assertProblem(send("GET /api/number?n=1 HTTP/1.1\r\nHost: bad_host!\r\nConnection: close\r\n\r\n"), 400);
		assertProblem(send("GET /api/number?n=1 HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n"), 400);
	}

	@Test
	void tooManyParametersIsA400Problem(CapturedOutput output) throws IOException {
		int logStart = output.getAll().length();
		StringBuilder query = new StringBuilder("n=1");
		for (int i = 0; i < 1100; i++) {
			query.append("&p").append(i).append("=1");
		}
		assertProblem(get("/api/number?" + query), 400);
		assertNothingLoggedAtErrorOrWithTrace(output.getAll().substring(logStart));
	}

	@Test
	void malformedPercentEncodingOfAParameterIsA400ProblemLoggedNeitherAtErrorNorWithTrace(CapturedOutput output)
			throws IOException {
		int logStart = output.getAll().length();
		for (int i = 0; i < 5; i++) {
			JsonNode problem = assertProblem(get("/api/number?n=%zz"), 400);
			assertThat(problem.path("instance").asString()).isEqualTo("/api/number");
		}
		assertNothingLoggedAtErrorOrWithTrace(output.getAll().substring(logStart));
	}

	@Test
	void parameterOfTheWrongTypeIsNamedInTheProblem() throws IOException {
		JsonNode problem = assertProblem(get("/api/number?n=abc"), 400);
		assertThat(problem.path("parameter").asString()).isEqualTo("n");
		assertThat(problem.path("detail").asString()).contains("'n'");
	}

	@Test
	void missingParameterIsNamedInTheProblem() throws IOException {
		JsonNode problem = assertProblem(get("/api/number"), 400);
		assertThat(problem.path("parameter").asString()).isEqualTo("n");
	}

	@Test
	void emptyNotFoundFromTheActuatorIsAProblem() throws IOException {
		JsonNode section = assertProblem(get("/actuator/trafficguard/nope"), 404);
		assertThat(section.path("instance").asString()).isEqualTo("/actuator/trafficguard/nope");
		assertProblem(get("/actuator/metrics/no.such.metric"), 404);
	}

	@Test
	void acceptNothingCanMatchIsA406Problem() throws IOException {
		assertProblem(send("GET /api/number?n=1 HTTP/1.1\r\nHost: localhost\r\nAccept: ///;;\r\n"
				+ "Connection: close\r\n\r\n"), 406);
	}

	@Test
	void wellFormedRequestsAreAnsweredAsBefore() throws IOException {
		Response ok = get("/api/number?n=7");
		assertThat(ok.status()).isEqualTo(200);
		assertThat(ok.body()).isEqualTo("7");
		Response notFound = get("/nowhere");
		assertThat(notFound.status()).isEqualTo(404);
		assertThat(notFound.header("content-type")).startsWith("application/problem+json");
	}

	private static JsonNode assertProblem(Response response, int status) {
		assertThat(response.status()).as(response.toString()).isEqualTo(status);
		assertThat(response.header("content-type")).as(response.toString()).startsWith("application/problem+json");
		JsonNode problem = JsonMapper.shared().readTree(response.body());
		assertThat(problem.path("status").asInt()).isEqualTo(status);
		assertThat(problem.path("title").asString()).isNotEmpty();
		assertThat(response.body()).doesNotContain("<html").doesNotContain("Exception");
		return problem;
	}

	private static void assertNothingLoggedAtErrorOrWithTrace(String log) {
		List<String> lines = Arrays.asList(log.split("\\R"));
		assertThat(lines).noneMatch((line) -> line.contains(" ERROR "));
		assertThat(lines).noneMatch((line) -> line.startsWith("\tat ") || line.startsWith("Caused by:"));
	}

	private Response get(String target) throws IOException {
		return send("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
	}

	/**
	 * Send raw bytes, so that nothing on the client side fixes or refuses the request, and
	 * read the whole answer up to the close.
	 */
	private Response send(String request) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 5000);
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(request.getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			InputStream in = socket.getInputStream();
			ByteArrayOutputStream received = new ByteArrayOutputStream();
			in.transferTo(received);
			return Response.parse(received.toString(StandardCharsets.UTF_8));
		}
	}

	record Response(int status, Map<String, String> headers, String body) {

		static Response parse(String raw) {
			int end = raw.indexOf("\r\n\r\n");
			String head = (end >= 0) ? raw.substring(0, end) : raw;
			String body = (end >= 0) ? raw.substring(end + 4) : "";
			String[] lines = head.split("\r\n");
			int status = Integer.parseInt(lines[0].split(" ")[1]);
			Map<String, String> headers = new LinkedHashMap<>();
			for (int i = 1; i < lines.length; i++) {
				int colon = lines[i].indexOf(':');
				headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
						lines[i].substring(colon + 1).trim());
			}
			if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
				body = dechunk(body);
			}
			return new Response(status, headers, body);
		}

		private static String dechunk(String chunked) {
			StringBuilder body = new StringBuilder();
			int at = 0;
			while (at < chunked.length()) {
				int lineEnd = chunked.indexOf("\r\n", at);
				int size = Integer.parseInt(chunked.substring(at, lineEnd).trim(), 16);
				if (size == 0) {
					break;
				}
				body.append(chunked, lineEnd + 2, lineEnd + 2 + size);
				at = lineEnd + 2 + size + 2;
			}
			return body.toString();
		}

		String header(String name) {
			return this.headers.getOrDefault(name, "");
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(NumberController.class)
	static class MalformedRequestApplication {

	}

	@RestController
	static class NumberController {

		@GetMapping("/api/number")
		String number(@RequestParam int n) {
			return Integer.toString(n);
		}

	}

}
