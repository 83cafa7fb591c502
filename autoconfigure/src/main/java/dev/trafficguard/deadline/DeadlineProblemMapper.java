package dev.trafficguard.deadline;

import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.CancellationException;

import dev.trafficguard.web.Problem;
import dev.trafficguard.web.ProblemMapper;
import org.jspecify.annotations.Nullable;

import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;

/**
 * Answers a request whose deadline ran out with {@code 504} problem details naming the part
 * that ran out of time, and counts it by part: a {@link DeadlineExceededException}, or,
 * once the request's deadline has passed, the timeout a part raised when its wait was cut
 * to the time left (a cancelled query, a connection not given in time, a read timeout of
 * the HTTP client). It is asked before the other mappers, so a downstream timeout caused by
 * the deadline is not reported as the downstream's fault.
 */
final class DeadlineProblemMapper implements ProblemMapper, Ordered {

	/**
	 * PostgreSQL's SQLState for a statement cancelled on request (query_canceled).
	 */
	private static final String QUERY_CANCELED = "57014";

	private static final int MAX_CAUSE_DEPTH = 16;

	private final DeadlineCounters counters;

	DeadlineProblemMapper(DeadlineCounters counters) {
		this.counters = counters;
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	public @Nullable Problem map(Throwable exception) {
		if (exception instanceof DeadlineExceededException deadlineExceeded) {
			return answer(deadlineExceeded.getPart());
		}
		Deadline deadline = Deadline.current();
		if (deadline == null || !deadline.isExpired()) {
			return null;
		}
		String part = timedOutPart(exception);
		return (part != null) ? answer(part) : null;
	}

	private Problem answer(String part) {
		this.counters.exceeded(part);
		return Problem.of(HttpStatus.GATEWAY_TIMEOUT, "Deadline exceeded: the " + part + " ran out of time");
	}

	/**
	 * The part whose timeout the exception, or one of its causes, is.
	 */
	private static @Nullable String timedOutPart(Throwable exception) {
		Throwable candidate = exception;
		for (int depth = 0; candidate != null && depth < MAX_CAUSE_DEPTH; depth++) {
			if (candidate instanceof DeadlineExceededException deadlineExceeded) {
				return deadlineExceeded.getPart();
			}
			if (candidate instanceof SQLTransientConnectionException) {
				return "connection";
			}
			if (candidate instanceof SQLTimeoutException || (candidate instanceof SQLException sql
					&& QUERY_CANCELED.equals(sql.getSQLState()))) {
				return "query";
			}
			if (candidate instanceof CancellationException) {
				// A task dropped because the request's deadline passed before it ran
				return "task";
			}
			if (candidate instanceof SocketTimeoutException
					|| candidate.getClass().getName().equals("org.apache.hc.core5.util.DeadlineTimeoutException")) {
				return "http-client";
			}
			candidate = (candidate.getCause() != candidate) ? candidate.getCause() : null;
		}
		return null;
	}

}
