package dev.trafficguard.audit;

/**
 * One part of the audit, such as the application's executors. Each is a bean, registered
 * only where what it inspects can exist (its library is present, the application serves
 * web requests).
 */
interface Inspection {

	/**
	 * The inspection's name, shown when it fails.
	 * @return the name, such as {@code executors}
	 */
	String name();

	/**
	 * Inspect and report what would fail under load.
	 * @param scope the beans and environment to inspect and where to report
	 */
	void inspect(AuditScope scope);

}
