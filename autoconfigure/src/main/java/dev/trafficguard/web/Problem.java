package dev.trafficguard.web;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;

/**
 * An RFC 9457 problem to answer a request with, and how long the client should wait before
 * it tries again.
 *
 * @param status the HTTP status
 * @param detail a human-readable explanation specific to this occurrence
 * @param retryAfter how long the client should wait before retrying, sent as
 * {@code Retry-After} in whole seconds (at least 1), or {@code null} for none
 */
public record Problem(HttpStatus status, String detail, @Nullable Duration retryAfter) {

	/**
	 * Create a problem with no {@code Retry-After}.
	 * @param status the HTTP status
	 * @param detail the explanation
	 * @return the problem
	 */
	public static Problem of(HttpStatus status, String detail) {
		return new Problem(status, detail, null);
	}

	/**
	 * The {@code Retry-After} value in whole seconds, rounded up and at least 1.
	 * @return the seconds, or -1 if the problem has no retry advice
	 */
	public long retryAfterSeconds() {
		if (this.retryAfter == null) {
			return -1;
		}
		long millis = Math.max(0, this.retryAfter.toMillis());
		return Math.max(1, (millis + 999) / 1000);
	}

}
