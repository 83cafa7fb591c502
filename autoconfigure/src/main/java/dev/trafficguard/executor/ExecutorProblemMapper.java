package dev.trafficguard.executor;

import java.time.Duration;

import dev.trafficguard.web.Problem;
import dev.trafficguard.web.ProblemMapper;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;

/**
 * Answers a full executor, or a deadline passed in one, with {@code 503 Service Unavailable}
 * and {@code Retry-After}: the server is overloaded for now, not broken. One second is
 * advised: at the default sizes a full queue holds about one second of 10 ms tasks.
 */
final class ExecutorProblemMapper implements ProblemMapper {

	static final Duration RETRY_AFTER = Duration.ofSeconds(1);

	@Override
	public @Nullable Problem map(Throwable exception) {
		if (exception instanceof ExecutorFullException || exception instanceof DeadlineExceededException) {
			return new Problem(HttpStatus.SERVICE_UNAVAILABLE, exception.getMessage(), RETRY_AFTER);
		}
		return null;
	}

}
