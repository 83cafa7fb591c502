package dev.trafficguard.web;

import java.io.IOException;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.Ordered;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * {@link HandlerExceptionResolver} that answers an exception escaping a request with the
 * {@link Problem} a {@link ProblemMapper} maps it, or one of its causes, to: a full executor,
 * an open circuit breaker or a saturated pool become a 5xx {@code application/problem+json}
 * with {@code Retry-After}, never a 500 with a stack trace. Exceptions no mapper knows are
 * left to the next resolver, and so is every exception once the response is committed: the
 * mappers are not asked then, so nothing counts a problem that was never answered.
 * <p>
 * It runs after Spring MVC's own resolvers, so the application's {@code @ExceptionHandler}
 * methods win.
 */
public final class ProblemExceptionResolver implements HandlerExceptionResolver, Ordered {

	private static final Log logger = LogFactory.getLog(ProblemExceptionResolver.class);

	/**
	 * The resolver's order: after Spring MVC's resolvers, which share order 0.
	 */
	public static final int ORDER = 10;

	private static final int MAX_CAUSE_DEPTH = 16;

	private final List<ProblemMapper> mappers;

	private final ProblemDetailWriter writer = new ProblemDetailWriter();

	/**
	 * Create a resolver.
	 * @param mappers the mappers, asked in order
	 */
	public ProblemExceptionResolver(List<ProblemMapper> mappers) {
		this.mappers = List.copyOf(mappers);
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public @Nullable ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response,
			@Nullable Object handler, Exception exception) {
		if (response.isCommitted()) {
			// Too late to answer with a problem: mapping would count a rejection nobody sees
			return null;
		}
		Problem problem = map(exception);
		if (problem == null) {
			return null;
		}
		try {
			this.writer.write(response, problem, request.getRequestURI());
		}
		catch (IOException ex) {
			logger.debug("Could not write problem response", ex);
		}
		return new ModelAndView();
	}

	/**
	 * Map an exception, or the first of its causes that a mapper knows, to a problem.
	 * @param exception the exception
	 * @return the problem, or {@code null} if no mapper knows the exception or its causes
	 */
	public @Nullable Problem map(Throwable exception) {
		Throwable candidate = exception;
		for (int depth = 0; candidate != null && depth < MAX_CAUSE_DEPTH; depth++) {
			for (ProblemMapper mapper : this.mappers) {
				Problem problem = mapper.map(candidate);
				if (problem != null) {
					return problem;
				}
			}
			candidate = (candidate.getCause() != candidate) ? candidate.getCause() : null;
		}
		return null;
	}

}
