/**
 * Request deadlines: the time budget of the request a thread works for, read through
 * {@link dev.trafficguard.deadline.Deadline#current()}. A shared package like
 * {@code web/} and {@code lifecycle/}: every feature that owns a wait (the executors, the
 * HTTP client, the connection pool) may import it, so that the budget reaches every call a
 * request makes without one feature importing another. Its auto-configuration sets the
 * deadline per request, carries it into tasks and answers a request whose deadline passed
 * with 504.
 */
@NullMarked
package dev.trafficguard.deadline;

import org.jspecify.annotations.NullMarked;
