package dev.trafficguard.web;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.TypeMismatchException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Spring MVC's problem details, as Spring Boot's own handler answers them
 * ({@code spring.mvc.problemdetails.enabled}), with the name of the request parameter in a
 * {@code parameter} member when a parameter is missing or has a value of the wrong type
 * ({@code ?ms=abc}), so that a client can tell which one without parsing the detail.
 */
@ControllerAdvice
public class ParameterProblemExceptionHandler extends ResponseEntityExceptionHandler {

	/**
	 * The member that names the parameter.
	 */
	public static final String PARAMETER = "parameter";

	@Override
	protected @Nullable ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers,
			HttpStatusCode status, WebRequest request) {
		ResponseEntity<Object> response = super.handleTypeMismatch(ex, headers, status, request);
		String name = (ex instanceof MethodArgumentTypeMismatchException mismatch) ? mismatch.getName()
				: ex.getPropertyName();
		return nameParameter(response, name);
	}

	@Override
	protected @Nullable ResponseEntity<Object> handleMissingServletRequestParameter(
			MissingServletRequestParameterException ex, HttpHeaders headers, HttpStatusCode status,
			WebRequest request) {
		return nameParameter(super.handleMissingServletRequestParameter(ex, headers, status, request),
				ex.getParameterName());
	}

	private static @Nullable ResponseEntity<Object> nameParameter(@Nullable ResponseEntity<Object> response,
			@Nullable String name) {
		if (response != null && name != null && response.getBody() instanceof ProblemDetail problem) {
			problem.setProperty(PARAMETER, name);
		}
		return response;
	}

}
