package dev.trafficguard.web;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ProblemDetailWriter} and {@link Problem}.
 */
class ProblemDetailWriterTests {

	private final ProblemDetailWriter writer = new ProblemDetailWriter();

	@Test
	void writesProblemJsonWithRetryAfter() throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		this.writer.write(response, new Problem(HttpStatus.SERVICE_UNAVAILABLE, "Executor full",
				Duration.ofMillis(1500)), "/api/work");
		assertThat(response.getStatus()).isEqualTo(503);
		assertThat(response.getContentType()).startsWith("application/problem+json");
		assertThat(response.getHeader("Retry-After")).isEqualTo("2");
		assertThat(response.getContentAsString()).isEqualTo(
				"{\"type\":\"about:blank\",\"title\":\"Service Unavailable\",\"status\":503,\"detail\":\"Executor full\",\"instance\":\"/api/work\"}");
	}

	@Test
	void escapesQuotesBackslashesAndControlCharacters() {
		String json = this.writer.toJson(Problem.of(HttpStatus.BAD_REQUEST, "a \"b\" \\ c\n\u0001"), "/x\"");
		assertThat(json).contains("\"detail\":\"a \\\"b\\\" \\\\ c\\n\\u0001\"").contains("\"instance\":\"/x\\\"\"");
	}

	@Test
	void retryAfterIsWholeSecondsRoundedUpAndAtLeastOne() {
		assertThat(new Problem(HttpStatus.TOO_MANY_REQUESTS, "", Duration.ZERO).retryAfterSeconds()).isEqualTo(1);
		assertThat(new Problem(HttpStatus.TOO_MANY_REQUESTS, "", Duration.ofMillis(1001)).retryAfterSeconds())
			.isEqualTo(2);
		assertThat(new Problem(HttpStatus.TOO_MANY_REQUESTS, "", Duration.ofSeconds(30)).retryAfterSeconds())
			.isEqualTo(30);
		assertThat(Problem.of(HttpStatus.BAD_GATEWAY, "").retryAfterSeconds()).isEqualTo(-1);
	}

}
