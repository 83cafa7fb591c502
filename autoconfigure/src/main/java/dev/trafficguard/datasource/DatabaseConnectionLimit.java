package dev.trafficguard.datasource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.jspecify.annotations.Nullable;

/**
 * A database server's own connection limit, read from the server.
 *
 * @param database the database product, such as {@code PostgreSQL}
 * @param maxConnections the server's {@code max_connections}
 * @param reservedConnections connections the server keeps back from ordinary roles
 */
record DatabaseConnectionLimit(String database, int maxConnections, int reservedConnections) {

	/**
	 * Connections left for ordinary roles, the application's pools.
	 * @return the connections
	 */
	int available() {
		return Math.max(0, this.maxConnections - this.reservedConnections);
	}

	/**
	 * Ask the database its limit: PostgreSQL's {@code max_connections} less
	 * {@code superuser_reserved_connections} and, from PostgreSQL 16,
	 * {@code reserved_connections}; MySQL's and MariaDB's {@code @@max_connections} (their
	 * extra connection for administrators comes on top of it).
	 * @param connection a connection to the database
	 * @return the limit, or {@code null} for a database whose limit cannot be read this way
	 * @throws SQLException if the database cannot be asked
	 */
	static @Nullable DatabaseConnectionLimit read(Connection connection) throws SQLException {
		String product = connection.getMetaData().getDatabaseProductName();
		if ("PostgreSQL".equalsIgnoreCase(product)) {
			return readPostgres(connection, product);
		}
		if ("MySQL".equalsIgnoreCase(product) || "MariaDB".equalsIgnoreCase(product)) {
			return readMySql(connection, product);
		}
		return null;
	}

	private static DatabaseConnectionLimit readPostgres(Connection connection, String product) throws SQLException {
		int max = 0;
		int reserved = 0;
		try (Statement statement = connection.createStatement();
				ResultSet settings = statement.executeQuery("SELECT name, setting FROM pg_settings WHERE name IN "
						+ "('max_connections', 'superuser_reserved_connections', 'reserved_connections')")) {
			while (settings.next()) {
				int value = Integer.parseInt(settings.getString(2).trim());
				if ("max_connections".equals(settings.getString(1))) {
					max = value;
				}
				else {
					reserved += value;
				}
			}
		}
		if (max <= 0) {
			throw new SQLException("PostgreSQL did not report max_connections");
		}
		return new DatabaseConnectionLimit(product, max, reserved);
	}

	private static DatabaseConnectionLimit readMySql(Connection connection, String product) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT @@max_connections")) {
			if (!result.next()) {
				throw new SQLException(product + " did not report max_connections");
			}
			return new DatabaseConnectionLimit(product, result.getInt(1), 0);
		}
	}

}
