package dev.trafficguard.datasource;

import java.sql.SQLException;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.jdbc.datasource.JdbcTransactionObjectSupport;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;

/**
 * The {@link JdbcTransactionManager} Spring Boot would create, except that a rollback on a
 * connection that was lost is not an error. The database discards a transaction that was
 * not committed when its session ends, so there is nothing left to roll back; failing the
 * rollback would replace the exception that tells the caller what happened (the lost
 * connection, which is answered 503) with "JDBC rollback failed", logged at ERROR with a
 * stack trace for every request that had a transaction open on the connection.
 */
public class LostConnectionTransactionManager extends JdbcTransactionManager {

	private static final Log logger = LogFactory.getLog(LostConnectionTransactionManager.class);

	/**
	 * Create a transaction manager.
	 * @param dataSource the data source to manage transactions for
	 */
	public LostConnectionTransactionManager(DataSource dataSource) {
		super(dataSource);
	}

	@Override
	protected void doRollback(DefaultTransactionStatus status) {
		try {
			super.doRollback(status);
		}
		catch (RuntimeException ex) {
			if (LostConnection.find(ex) == null && !isClosed(status)) {
				throw ex;
			}
			if (logger.isDebugEnabled()) {
				logger.debug("Rollback not possible: the connection was lost, so the database discards the"
						+ " transaction (" + ex.getMessage() + ")");
			}
		}
	}

	/**
	 * Whether the transaction's connection is closed: HikariCP closes a connection it marked
	 * broken, and a closed connection holds no transaction any more.
	 */
	private static boolean isClosed(DefaultTransactionStatus status) {
		if (!(status.getTransaction() instanceof JdbcTransactionObjectSupport transaction)
				|| !transaction.hasConnectionHolder()) {
			return false;
		}
		try {
			return transaction.getConnectionHolder().getConnection().isClosed();
		}
		catch (SQLException | RuntimeException ex) {
			return false;
		}
	}

}
