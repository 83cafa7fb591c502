package dev.trafficguard.datasource;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

import dev.trafficguard.web.Problem;
import dev.trafficguard.web.ProblemMapper;
import dev.trafficguard.web.ThrottledLog;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;

/**
 * {@link ProblemMapper} that answers a request whose database connection was lost while it
 * used it (the server terminated the session, restarted, or the network broke) with
 * {@code 503 Service Unavailable} and {@code Retry-After}: a transient fault of the
 * database, not a bug of the application. HikariCP has already marked the connection
 * broken and replaces it. Each answer is counted by {@link LostConnection cause}, and logged
 * as one line without a stack trace, at most once per
 * {@value #LOG_INTERVAL_SECONDS} seconds with the number of answers not logged since.
 */
public final class ConnectionLostProblemMapper implements ProblemMapper {

	static final long LOG_INTERVAL_SECONDS = 10;

	private static final Log logger = LogFactory.getLog(ConnectionLostProblemMapper.class);

	private static final String DETAIL = "The database connection was lost. Try again later.";

	private static final int MAX_MESSAGE_LENGTH = 200;

	private final Duration retryAfter;

	private final LongAdder[] answered = new LongAdder[LostConnection.values().length];

	private final ThrottledLog log = new ThrottledLog(Duration.ofSeconds(LOG_INTERVAL_SECONDS));

	/**
	 * Create a mapper.
	 * @param retryAfter the {@code Retry-After} to send
	 */
	public ConnectionLostProblemMapper(Duration retryAfter) {
		this.retryAfter = retryAfter;
		for (int i = 0; i < this.answered.length; i++) {
			this.answered[i] = new LongAdder();
		}
	}

	@Override
	public @Nullable Problem map(Throwable exception) {
		if (!(exception instanceof SQLException sqlException)) {
			return null;
		}
		LostConnection cause = LostConnection.of(sqlException);
		if (cause == null) {
			return null;
		}
		this.answered[cause.ordinal()].increment();
		logLost(cause, sqlException);
		return new Problem(HttpStatus.SERVICE_UNAVAILABLE, DETAIL, this.retryAfter);
	}

	private void logLost(LostConnection cause, SQLException exception) {
		if (!logger.isWarnEnabled()) {
			return;
		}
		long notLogged = this.log.tryLog();
		if (notLogged < 0) {
			return;
		}
		logger.warn("Database connection lost (" + cause.tag() + ", SQLState " + exception.getSQLState() + ": "
				+ oneLine(exception.getMessage()) + "): answered 503 with Retry-After; the pool replaces the connection"
				+ ((notLogged > 0) ? " (" + notLogged + " more since the last such line)" : ""));
	}

	private static String oneLine(@Nullable String message) {
		if (message == null) {
			return "no message";
		}
		String line = message.replaceAll("\\s+", " ").trim();
		return (line.length() > MAX_MESSAGE_LENGTH) ? line.substring(0, MAX_MESSAGE_LENGTH) + "..." : line;
	}

	/**
	 * How many requests were answered 503 because their connection was lost.
	 * @param cause the cause
	 * @return the count since startup
	 */
	public long answered(LostConnection cause) {
		return this.answered[cause.ordinal()].sum();
	}

}
