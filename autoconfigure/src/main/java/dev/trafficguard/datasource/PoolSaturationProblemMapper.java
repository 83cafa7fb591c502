package dev.trafficguard.datasource;

import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

import dev.trafficguard.web.Problem;
import dev.trafficguard.web.ProblemMapper;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;

/**
 * {@link ProblemMapper} that answers a request which got no database connection in time with
 * {@code 503 Service Unavailable} and {@code Retry-After}, and counts it. HikariCP throws
 * {@link SQLTransientConnectionException} when {@code connection-timeout} passes; Spring
 * wraps it ({@code CannotGetJdbcConnectionException},
 * {@code CannotCreateTransactionException}), and the resolver hands this mapper every cause.
 */
public final class PoolSaturationProblemMapper implements ProblemMapper {

	private static final String DETAIL = "No database connection became available in time. Try again later.";

	private final Duration retryAfter;

	private final LongAdder rejected = new LongAdder();

	/**
	 * Create a mapper.
	 * @param retryAfter the {@code Retry-After} to send
	 */
	public PoolSaturationProblemMapper(Duration retryAfter) {
		this.retryAfter = retryAfter;
	}

	@Override
	public @Nullable Problem map(Throwable exception) {
		if (exception instanceof SQLTransientConnectionException) {
			this.rejected.increment();
			return new Problem(HttpStatus.SERVICE_UNAVAILABLE, DETAIL, this.retryAfter);
		}
		return null;
	}

	/**
	 * How many requests were answered 503 because no connection became available.
	 * @return the count since startup
	 */
	public long rejected() {
		return this.rejected.sum();
	}

}
