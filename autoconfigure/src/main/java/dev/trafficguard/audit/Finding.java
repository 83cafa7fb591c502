package dev.trafficguard.audit;

/**
 * One finding of the audit: something the application brings of its own that would fail
 * under high traffic, and its fix.
 *
 * @param id the finding's id, such as {@code executor.unbounded-queue}, to name in
 * {@code traffic-guard.audit.ignore}
 * @param severity how bad it is
 * @param subject the bean or property concerned, such as {@code bean 'reportExecutor'} or
 * {@code server.shutdown=immediate}
 * @param why why it matters under load
 * @param fix the property or code change that fixes it
 */
public record Finding(String id, Severity severity, String subject, String why, String fix) {

	/**
	 * The finding as one line of the startup report.
	 * @return the line
	 */
	String line() {
		return "[" + this.severity.label() + "] " + this.id + " " + this.subject + ": " + this.why + ". Fix: "
				+ this.fix;
	}

}
