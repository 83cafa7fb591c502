package dev.trafficguard.web;

import org.jspecify.annotations.Nullable;

/**
 * Maps an exception that escapes a web request to the {@link Problem} to answer with. Each
 * feature registers one as a bean for its own exceptions (a full executor, an open circuit
 * breaker, a saturated connection pool); {@link ProblemExceptionResolver} asks them for the
 * exception and each of its causes.
 */
@FunctionalInterface
public interface ProblemMapper {

	/**
	 * Map an exception.
	 * @param exception the exception, or one of its causes
	 * @return the problem to answer with, or {@code null} if this mapper does not know the
	 * exception
	 */
	@Nullable Problem map(Throwable exception);

}
