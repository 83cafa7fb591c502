package dev.trafficguard.web;

import java.io.IOException;
import java.io.Writer;

import jakarta.servlet.RequestDispatcher;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.tomcat.util.res.StringManager;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

/**
 * Tomcat's error report valve, answering with RFC 9457 {@code application/problem+json}
 * instead of an HTML page. It answers what never reaches the application: requests Tomcat
 * rejects itself (an encoded slash, a backslash or {@code %00} in the path, a request line or
 * header over the limit, an invalid {@code Host}) and error responses whose body is empty
 * (a 404 from an actuator endpoint, a 406 for an {@code Accept} header nothing matches).
 * A request line or headers over Tomcat's limit, which Tomcat answers 400, become 414 and
 * 431. A response that already has a body is left alone, and so is one below 400.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

	private static final int MAX_INSTANCE_LENGTH = 256;

	private static final String HEADER_TOO_LARGE = StringManager.getManager("org.apache.coyote.http11")
		.getString("iib.requestheadertoolarge.error");

	private final ProblemDetailWriter writer = new ProblemDetailWriter();

	@Override
	protected void report(Request request, Response response, @Nullable Throwable throwable) {
		int statusCode = response.getStatus();
		if (statusCode < 400 || response.getContentWritten() > 0) {
			return;
		}
		// An error Tomcat or the application sent is reported once; a status set without a
		// body has no error to report and is answered as it is
		if (response.isError() && !response.setErrorReported()) {
			return;
		}
		HttpStatus status = HttpStatus.resolve(statusCode);
		if (status == null) {
			return;
		}
		if (status == HttpStatus.BAD_REQUEST && isHeaderTooLarge(request, response, throwable)) {
			// Tomcat answers 400 when the request line and headers overflow their buffer
			status = isRequestLineRead(request) ? HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE : HttpStatus.URI_TOO_LONG;
			response.setStatus(status.value());
		}
		try {
			response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
			response.setCharacterEncoding("UTF-8");
			response.setContentLength(-1);
			Writer reporter = response.getReporter();
			if (reporter != null) {
				reporter.write(this.writer.toJson(Problem.of(status, detail(status)), instance(request)));
				response.finishResponse();
			}
		}
		catch (IOException | IllegalStateException ex) {
			// The client is gone or the response cannot take a body: nothing more to do
		}
	}

	/**
	 * Whether Tomcat rejected the request because its request line and headers did not fit
	 * {@code maxHttpRequestHeaderSize}. Tomcat tells it only by its message, which is
	 * compared with the one Tomcat's own string manager holds for the same locale.
	 */
	private static boolean isHeaderTooLarge(Request request, Response response, @Nullable Throwable throwable) {
		Throwable cause = throwable;
		if (cause == null && request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Throwable attribute) {
			cause = attribute;
		}
		if (cause == null) {
			cause = response.getCoyoteResponse().getErrorException();
		}
		return cause instanceof IllegalArgumentException && HEADER_TOO_LARGE.equals(cause.getMessage());
	}

	private static boolean isRequestLineRead(Request request) {
		// Tomcat sets the URI once it read all of it: a URI that overflowed is not set
		return !request.getCoyoteRequest().requestURI().isNull();
	}

	private static String detail(HttpStatus status) {
		return switch (status) {
			case BAD_REQUEST -> "The request is malformed.";
			case NOT_FOUND -> "Nothing is found at this path.";
			case NOT_ACCEPTABLE -> "None of the media types the request accepts can be produced.";
			case CONTENT_TOO_LARGE -> "The request is too large.";
			case URI_TOO_LONG -> "The request URI is too long.";
			case REQUEST_HEADER_FIELDS_TOO_LARGE -> "The request's header fields are too large.";
			default -> status.getReasonPhrase() + ".";
		};
	}

	/**
	 * The request path, when it is short and printable: a path Tomcat rejected is not
	 * echoed whatever it holds.
	 */
	private static @Nullable String instance(Request request) {
		String uri;
		try {
			uri = request.getRequestURI();
		}
		catch (RuntimeException ex) {
			return null;
		}
		if (uri == null || uri.isEmpty() || uri.length() > MAX_INSTANCE_LENGTH) {
			return null;
		}
		for (int i = 0; i < uri.length(); i++) {
			char c = uri.charAt(i);
			if (c <= 0x20 || c >= 0x7f) {
				return null;
			}
		}
		return uri;
	}

}
