package dev.trafficguard.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.http.HttpServletResponse;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End-to-end tests of problem details on a real embedded server: the real dispatcher, the
 * real resolver chain, real HTTP.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=trafficguard", "spring.datasource.generate-unique-name=true" })
class ProblemDetailsIntegrationTests {

	private final HttpClient client = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Autowired
	private ProblemExceptionResolver resolver;

	@Test
	void mappedExceptionIsAProblemWithRetryAfter() throws Exception {
		HttpResponse<String> response = get("/saturated");
		assertThat(response.statusCode()).isEqualTo(503);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(response.headers().firstValue("Retry-After")).hasValue("3");
		assertThat(response.body()).contains("\"status\":503").contains("\"detail\":\"pool saturated\"")
			.contains("\"instance\":\"/saturated\"");
	}

	@Test
	void mappedCauseOfAWrappingExceptionIsAProblem() throws Exception {
		HttpResponse<String> response = get("/wrapped");
		assertThat(response.statusCode()).isEqualTo(503);
		assertThat(response.body()).contains("pool saturated");
	}

	@Test
	void applicationsOwnExceptionHandlerWins() throws Exception {
		HttpResponse<String> response = get("/handled");
		assertThat(response.statusCode()).isEqualTo(418);
		assertThat(response.body()).isEqualTo("handled by the application");
	}

	@Test
	void unknownExceptionIsLeftToSpringBoot() throws Exception {
		HttpResponse<String> response = get("/unknown");
		assertThat(response.statusCode()).isEqualTo(500);
		assertThat(response.body()).doesNotContain("at dev.trafficguard");
	}

	@Test
	void malformedParameterIsA400ProblemFromSpringMvcsProblemDetails() throws Exception {
		HttpResponse<String> response = get("/number?n=abc");
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/problem+json"));
	}

	@Test
	void endpointAnswersOverHttp() throws Exception {
		HttpResponse<String> report = get("/actuator/trafficguard");
		assertThat(report.statusCode()).isEqualTo(200);
		assertThat(report.body()).contains("\"enabled\":true")
			.contains("\"spring.mvc.problemdetails.enabled\":{\"value\":\"true\",\"source\":\"traffic-guard\"}");
		assertThat(get("/actuator/trafficguard/defaults").statusCode()).isEqualTo(200);
		assertThat(get("/actuator/trafficguard/nope").statusCode()).isEqualTo(404);
	}

	@Test
	void exceptionAfterTheResponseIsCommittedIsNotMapped() throws Exception {
		int before = TestApplication.committedMapped.get();
		HttpResponse<String> response = get("/committed");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("partial");
		assertThat(TestApplication.committedMapped.get()).isEqualTo(before);
		assertThat(this.resolver.map(new CommittedException())).isNotNull();
		assertThat(TestApplication.committedMapped.get()).isEqualTo(before + 1);
	}

	@Test
	void resolverMapsOnlyKnownExceptions() {
		assertThat(this.resolver.map(new IllegalStateException("x"))).isNull();
		assertThat(this.resolver.map(new SaturatedException())).isNotNull();
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	static class SaturatedException extends RuntimeException {

		SaturatedException() {
			super("pool saturated");
		}

	}

	static class TeapotException extends RuntimeException {

	}

	static class CommittedException extends RuntimeException {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TestApplication {

		static final AtomicInteger committedMapped = new AtomicInteger();

		@Bean
		ProblemMapper committedMapper() {
			return (exception) -> {
				if (exception instanceof CommittedException) {
					committedMapped.incrementAndGet();
					return Problem.of(HttpStatus.SERVICE_UNAVAILABLE, "counted");
				}
				return null;
			};
		}

		@Bean
		ProblemMapper saturatedMapper() {
			return (exception) -> (exception instanceof SaturatedException)
					? new Problem(HttpStatus.SERVICE_UNAVAILABLE, exception.getMessage(), Duration.ofSeconds(3)) : null;
		}

		@Bean
		ProblemMapper teapotMapper() {
			return (exception) -> (exception instanceof TeapotException)
					? Problem.of(HttpStatus.SERVICE_UNAVAILABLE, "should not be used") : null;
		}

		@Bean
		TestController testController() {
			return new TestController();
		}

	}

	@RestController
	static class TestController {

		@GetMapping("/saturated")
		String saturated() {
			throw new SaturatedException();
		}

		@GetMapping("/wrapped")
		String wrapped() {
			throw new IllegalStateException("wrapper", new SaturatedException());
		}

		@GetMapping("/handled")
		String handled() {
			throw new TeapotException();
		}

		@GetMapping("/committed")
		void committed(HttpServletResponse response) throws Exception {
			// The whole body goes out before the exception, so the client reads a complete answer
			response.setContentLength(7);
			response.getWriter().write("partial");
			response.flushBuffer();
			throw new CommittedException();
		}

		@GetMapping("/unknown")
		String unknown() {
			throw new IllegalStateException("unknown");
		}

		@GetMapping("/number")
		String number(@RequestParam int n) {
			return Integer.toString(n);
		}

		@ExceptionHandler(TeapotException.class)
		ResponseEntity<String> teapot() {
			return ResponseEntity.status(HttpStatus.I_AM_A_TEAPOT).body("handled by the application");
		}

	}

}
