package dev.trafficguard.bench.baseline;

import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/work?ms=N}: holds the request thread for N milliseconds.
 */
@RestController
class WorkController {

	static final int MAX_MS = 10_000;

	@GetMapping("/api/work")
	Map<String, Object> work(@RequestParam(defaultValue = "0") int ms) throws InterruptedException {
		requireBetween("ms", ms, 0, MAX_MS);
		if (ms > 0) {
			Thread.sleep(ms);
		}
		return Map.of("worked-ms", ms, "thread", Thread.currentThread().getName());
	}

	static void requireBetween(String parameter, int value, int min, int max) {
		if (value < min || value > max) {
			ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
					"Parameter '" + parameter + "' must be between " + min + " and " + max + ", got " + value);
			problem.setProperty("parameter", parameter);
			throw new ErrorResponseException(HttpStatus.BAD_REQUEST, problem, null);
		}
	}

}
