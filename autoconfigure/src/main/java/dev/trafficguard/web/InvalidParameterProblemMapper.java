package dev.trafficguard.web;

import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;

/**
 * {@link ProblemMapper} for request parameters Tomcat cannot parse (an invalid
 * {@code %}-encoding such as {@code ?ms=%zz}, more parameters than
 * {@code server.tomcat.max-parameter-count}): the client's fault, answered with the 4xx
 * Tomcat chose (400 by default), never a 500. It is logged at DEBUG only, at most once per
 * {@value #LOG_INTERVAL_SECONDS} seconds, and without a stack trace.
 */
public final class InvalidParameterProblemMapper implements ProblemMapper {

	static final long LOG_INTERVAL_SECONDS = 10;

	private static final Log logger = LogFactory.getLog(InvalidParameterProblemMapper.class);

	private static final String DETAIL = "The request's parameters cannot be parsed.";

	private final ThrottledLog log = new ThrottledLog(Duration.ofSeconds(LOG_INTERVAL_SECONDS));

	@Override
	public @Nullable Problem map(Throwable exception) {
		if (!(exception instanceof InvalidParameterException invalid)) {
			return null;
		}
		HttpStatus status = HttpStatus.resolve(invalid.getErrorCode());
		if (status == null || !status.is4xxClientError()) {
			status = HttpStatus.BAD_REQUEST;
		}
		if (logger.isDebugEnabled()) {
			long notLogged = this.log.tryLog();
			if (notLogged >= 0) {
				logger.debug("Answered " + status.value() + " to a request whose parameters cannot be parsed: "
						+ invalid.getMessage() + ((notLogged > 0) ? " (" + notLogged + " more since)" : ""));
			}
		}
		return Problem.of(status, DETAIL);
	}

}
