package dev.trafficguard.audit;

import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;

/**
 * Finds transaction managers with no default timeout
 * ({@code transaction.no-default-timeout}). Spring Boot sets the default timeout of the
 * transaction managers it configures from {@code spring.transaction.default-timeout}.
 */
final class TransactionInspection implements Inspection {

	@Override
	public String name() {
		return "transactions";
	}

	@Override
	public void inspect(AuditScope scope) {
		scope.eachBean(AbstractPlatformTransactionManager.class, (name, manager) -> {
			if (manager.getDefaultTimeout() == TransactionDefinition.TIMEOUT_DEFAULT) {
				scope.report(FindingType.TRANSACTION_NO_DEFAULT_TIMEOUT.at(AuditScope.bean(name),
						"its transactions have no timeout unless their @Transactional sets one"));
			}
		});
	}

}
