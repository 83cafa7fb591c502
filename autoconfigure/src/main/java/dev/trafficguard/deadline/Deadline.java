package dev.trafficguard.deadline;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The time budget of the request the current thread works for: a point in time (on the
 * {@link System#nanoTime()} clock) after which the request's caller no longer waits, so
 * neither should anything done for it. Set per request by Traffic Guard's filter, carried
 * into the tasks the request submits, and read by everything that waits on its behalf:
 * <pre class="code">
 * Deadline deadline = Deadline.current();
 * if (deadline != null &amp;&amp; deadline.isExpired()) {
 *     throw new DeadlineExceededException("report");
 * }
 * </pre>
 * A deadline is immutable; a thread has at most one at a time, entered with
 * {@link #enter()} and left by closing the returned {@link Scope}.
 */
public final class Deadline {

	private static final ThreadLocal<@Nullable Deadline> CURRENT = new ThreadLocal<>();

	private final long expiresAtNanos;

	private final long budgetNanos;

	private Deadline(long expiresAtNanos, long budgetNanos) {
		this.expiresAtNanos = expiresAtNanos;
		this.budgetNanos = budgetNanos;
	}

	/**
	 * A deadline the given budget from now.
	 * @param budget the time allowed, positive
	 * @return the deadline
	 */
	public static Deadline after(Duration budget) {
		Assert.isTrue(budget.toNanos() > 0, "'budget' must be positive");
		return afterNanos(budget.toNanos());
	}

	static Deadline afterNanos(long budgetNanos) {
		return new Deadline(System.nanoTime() + budgetNanos, budgetNanos);
	}

	/**
	 * The deadline of the request the current thread works for.
	 * @return the deadline, or {@code null} if the thread works for no request with one
	 */
	public static @Nullable Deadline current() {
		return CURRENT.get();
	}

	/**
	 * The time left before the current thread's deadline.
	 * @param otherwise the time to use when the thread has no deadline
	 * @return the time left (zero once it passed), or {@code otherwise}
	 */
	public static Duration remainingOr(Duration otherwise) {
		Deadline deadline = CURRENT.get();
		return (deadline != null) ? deadline.remaining() : otherwise;
	}

	/**
	 * Make this the current thread's deadline until the returned scope is closed, which
	 * restores the one before.
	 * @return the scope to close
	 */
	public Scope enter() {
		Deadline previous = CURRENT.get();
		CURRENT.set(this);
		return new Scope(previous);
	}

	/**
	 * The budget this deadline was given.
	 * @return the budget
	 */
	public Duration budget() {
		return Duration.ofNanos(this.budgetNanos);
	}

	/**
	 * The time left.
	 * @return the time left, zero once the deadline passed
	 */
	public Duration remaining() {
		return Duration.ofNanos(remainingNanos());
	}

	/**
	 * The time left in nanoseconds.
	 * @return the nanoseconds left, zero once the deadline passed
	 */
	public long remainingNanos() {
		return Math.max(0, this.expiresAtNanos - System.nanoTime());
	}

	/**
	 * The time left in milliseconds, rounded down.
	 * @return the milliseconds left, zero once less than one is left
	 */
	public long remainingMillis() {
		return remainingNanos() / 1_000_000;
	}

	/**
	 * Whether the deadline passed.
	 * @return whether no time is left
	 */
	public boolean isExpired() {
		return this.expiresAtNanos - System.nanoTime() <= 0;
	}

	/**
	 * Throw if the deadline passed.
	 * @param part what was about to start, named in the answer (such as {@code query})
	 * @throws DeadlineExceededException if no time is left
	 */
	public void check(String part) {
		if (isExpired()) {
			throw new DeadlineExceededException(part);
		}
	}

	@Override
	public String toString() {
		return "Deadline[budget=" + budget() + ", remaining=" + remaining() + "]";
	}

	/**
	 * A deadline entered on a thread; closing it restores the deadline before.
	 */
	public static final class Scope implements AutoCloseable {

		private final @Nullable Deadline previous;

		private Scope(@Nullable Deadline previous) {
			this.previous = previous;
		}

		@Override
		public void close() {
			if (this.previous != null) {
				CURRENT.set(this.previous);
			}
			else {
				CURRENT.remove();
			}
		}

	}

}
