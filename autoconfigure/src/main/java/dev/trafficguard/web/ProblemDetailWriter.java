package dev.trafficguard.web;

import java.io.IOException;

import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

/**
 * Writes a {@link Problem} as an {@code application/problem+json} response (RFC 9457), with
 * {@code Retry-After} when the problem has retry advice. It writes the small JSON document
 * itself, so the answer costs no serializer on a path that must stay cheap under overload.
 */
public final class ProblemDetailWriter {

	private static final String CONTENT_TYPE = MediaType.APPLICATION_PROBLEM_JSON_VALUE;

	/**
	 * Write the problem to the response. The caller checks that the response is not
	 * committed.
	 * @param response the response
	 * @param problem the problem
	 * @param instance the request path, for the {@code instance} member
	 * @throws IOException if the response cannot be written
	 */
	public void write(HttpServletResponse response, Problem problem, String instance) throws IOException {
		response.resetBuffer();
		response.setStatus(problem.status().value());
		response.setContentType(CONTENT_TYPE);
		response.setCharacterEncoding("UTF-8");
		long retryAfter = problem.retryAfterSeconds();
		if (retryAfter > 0) {
			response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
		}
		response.getWriter().write(toJson(problem, instance));
		response.flushBuffer();
	}

	/**
	 * The problem as a JSON document, for an answer that is not written to a servlet
	 * response directly (an actuator endpoint's).
	 * @param problem the problem
	 * @param instance the request path, or {@code null} to leave the member out
	 * @return the JSON
	 */
	public String toJson(Problem problem, @Nullable String instance) {
		StringBuilder json = new StringBuilder(
				160 + problem.detail().length() + ((instance != null) ? instance.length() : 0));
		json.append("{\"type\":\"about:blank\",\"title\":\"");
		appendEscaped(json, problem.status().getReasonPhrase());
		json.append("\",\"status\":").append(problem.status().value()).append(",\"detail\":\"");
		appendEscaped(json, problem.detail());
		if (instance != null) {
			json.append("\",\"instance\":\"");
			appendEscaped(json, instance);
		}
		json.append("\"}");
		return json.toString();
	}

	private static void appendEscaped(StringBuilder json, String text) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			switch (c) {
				case '"' -> json.append("\\\"");
				case '\\' -> json.append("\\\\");
				case '\n' -> json.append("\\n");
				case '\r' -> json.append("\\r");
				case '\t' -> json.append("\\t");
				default -> {
					if (c < 0x20) {
						json.append(String.format("\\u%04x", (int) c));
					}
					else {
						json.append(c);
					}
				}
			}
		}
	}

}
