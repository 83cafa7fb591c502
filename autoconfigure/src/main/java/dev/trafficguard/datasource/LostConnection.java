package dev.trafficguard.datasource;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;

import org.jspecify.annotations.Nullable;

/**
 * Why a database connection in use was lost: the few causes Traffic Guard tells apart, each
 * a bounded tag value of {@code traffic.guard.datasource.connection.lost}.
 */
public enum LostConnection {

	/**
	 * The server ended the session: an administrator terminated it
	 * ({@code pg_terminate_backend}), the server shut down or crashed (PostgreSQL SQLState
	 * {@code 57P01}, {@code 57P02}, {@code 57P03}).
	 */
	SERVER_CLOSED("server-closed"),

	/**
	 * The connection broke or no longer exists: SQLState class {@code 08} (a reset socket,
	 * a failed network, a closed connection), or a driver's
	 * {@link SQLNonTransientConnectionException} or {@link SQLRecoverableException}.
	 */
	CONNECTION_FAILURE("connection-failure");

	private static final int MAX_CHAINED = 8;

	private final String tag;

	LostConnection(String tag) {
		this.tag = tag;
	}

	/**
	 * The cause as a tag value.
	 * @return the tag value, such as {@code server-closed}
	 */
	public String tag() {
		return this.tag;
	}

	/**
	 * Why the connection that threw the exception was lost, if it was. A pool that could not
	 * hand out a connection in time ({@link SQLTransientConnectionException}) is not a lost
	 * connection: the request never had one.
	 * @param exception an exception a JDBC call threw
	 * @return the cause, or {@code null} if the exception does not tell of a lost connection
	 */
	public static @Nullable LostConnection of(SQLException exception) {
		if (exception instanceof SQLTransientConnectionException) {
			return null;
		}
		// Drivers may chain the telling exception behind a general one
		SQLException candidate = exception;
		for (int i = 0; candidate != null && i < MAX_CHAINED; i++) {
			LostConnection cause = ofState(candidate.getSQLState());
			if (cause != null) {
				return cause;
			}
			candidate = candidate.getNextException();
		}
		if (exception instanceof SQLNonTransientConnectionException || exception instanceof SQLRecoverableException) {
			return CONNECTION_FAILURE;
		}
		return null;
	}

	/**
	 * Why a connection was lost, for the first {@link SQLException} among an exception and
	 * its causes that tells of one.
	 * @param exception any exception
	 * @return the cause, or {@code null} if nothing in the chain tells of a lost connection
	 */
	public static @Nullable LostConnection find(Throwable exception) {
		Throwable candidate = exception;
		for (int depth = 0; candidate != null && depth < 16; depth++) {
			if (candidate instanceof SQLException sqlException) {
				LostConnection cause = of(sqlException);
				if (cause != null) {
					return cause;
				}
			}
			candidate = (candidate.getCause() != candidate) ? candidate.getCause() : null;
		}
		return null;
	}

	private static @Nullable LostConnection ofState(@Nullable String sqlState) {
		if (sqlState == null || sqlState.length() != 5) {
			return null;
		}
		if (sqlState.startsWith("08")) {
			return CONNECTION_FAILURE;
		}
		if (sqlState.startsWith("57P0") && sqlState.charAt(4) >= '1' && sqlState.charAt(4) <= '3') {
			return SERVER_CLOSED;
		}
		return null;
	}

}
