package dev.trafficguard.audit;

import java.util.Arrays;
import java.util.List;

/**
 * Every kind of finding the audit reports: its id, its severity, why it matters under load
 * and the fix. The README lists them all.
 */
enum FindingType {

	EXECUTOR_UNBOUNDED_QUEUE("executor.unbounded-queue", Severity.ERROR,
			"its queue has no limit: under load tasks arrive faster than they run, wait longer and longer, "
					+ "and fill the heap until the JVM dies",
			"give it a bounded queue and a rejection (ThreadPoolTaskExecutor.setQueueCapacity, a ThreadPoolExecutor "
					+ "over new ArrayBlockingQueue<>(n)), or use Traffic Guard's applicationTaskExecutor or a bulkhead "
					+ "(traffic-guard.executor.pools.<name>)"),

	EXECUTOR_UNBOUNDED_THREADS("executor.unbounded-threads", Severity.ERROR,
			"it starts a thread for every task no idle thread takes: under load thousands of threads exhaust "
					+ "memory and CPU, and every downstream sees unlimited concurrency",
			"bound its threads (ThreadPoolExecutor maximumPoolSize, SimpleAsyncTaskExecutor.setConcurrencyLimit, "
					+ "spring.task.execution.simple.concurrency-limit), or use Traffic Guard's applicationTaskExecutor "
					+ "or a bulkhead (traffic-guard.executor.pools.<name>)"),

	ASYNC_UNBOUNDED("executor.async-unbounded", Severity.ERROR,
			"its @Async methods run on an executor without a bound: every call under load adds a thread or a "
					+ "queued task",
			"run them on a bounded executor: @Async(\"<bulkhead>\") with traffic-guard.executor.pools.<bulkhead>, "
					+ "or remove the unbounded executor (or AsyncConfigurer) so that Traffic Guard's "
					+ "applicationTaskExecutor runs them"),

	HTTP_CLIENT_NOT_SHARED("http-client.not-shared-pool", Severity.WARNING,
			"it has connections of its own, outside the shared pool's limits, timeouts, breakers and metrics: "
					+ "under load it opens as many connections as callers ask for",
			"build it from the injected RestClient.Builder or RestTemplateBuilder, whose clients use the shared "
					+ "pool, instead of new RestTemplate(), RestClient.create() or a client of its own"),

	HTTP_CLIENT_NO_TIMEOUTS("http-client.no-timeouts", Severity.ERROR,
			"a slow or dead downstream holds the calling thread as long as it likes: under load every request "
					+ "thread ends up waiting on it",
			"build it from the injected RestClient.Builder or RestTemplateBuilder (the shared pool's connect and "
					+ "response timeouts apply), or set spring.http.clients.connect-timeout and "
					+ "spring.http.clients.read-timeout, or both timeouts on the client itself"),

	HTTP_CLIENT_BUILT_PER_REQUEST("http-client.built-per-request", Severity.ERROR,
			"HTTP clients are built again and again while the application runs: each one sets up its own "
					+ "connections (and TLS handshakes) and none is reused",
			"build each client once, as a bean or a field, from the injected RestClient.Builder or "
					+ "RestTemplateBuilder, and reuse it for every request"),

	POOL_NO_CONNECTION_TIMEOUT("datasource.no-connection-timeout", Severity.ERROR,
			"a caller waits for a connection forever: when the pool is saturated every request thread blocks "
					+ "instead of failing fast",
			"remove connection-timeout=0 (Traffic Guard's default for spring.datasource.hikari.connection-timeout "
					+ "is 2s) or set a few seconds"),

	POOL_NO_MAX_LIFETIME("datasource.no-max-lifetime", Severity.WARNING,
			"connections live forever: fail-overs, DNS changes and credential rotation never reach them, and "
					+ "a database or firewall limit drops them under the application's feet",
			"remove max-lifetime=0 (Traffic Guard's default for spring.datasource.hikari.max-lifetime is 30m)"),

	POOL_NO_LEAK_DETECTION("datasource.no-leak-detection", Severity.WARNING,
			"a connection the code never gives back is not reported: leaked connections drain the pool "
					+ "silently until every request waits for one",
			"remove leak-detection-threshold=0 (Traffic Guard's default for "
					+ "spring.datasource.hikari.leak-detection-threshold is 20s)"),

	POOL_LARGER_THAN_THREADS("datasource.pool-larger-than-threads", Severity.WARNING,
			"the pool may open more connections than the request threads could ever use at once: the extra "
					+ "ones only cost the database memory and count against its max_connections",
			"lower maximum-pool-size to at most server.tomcat.threads.max (plus the executor threads that use "
					+ "the database)"),

	TRANSACTION_NO_DEFAULT_TIMEOUT("transaction.no-default-timeout", Severity.WARNING,
			"a transaction without a timeout holds its connection and its locks as long as its slowest "
					+ "statement: a few slow ones under load hold the whole pool",
			"set spring.transaction.default-timeout (such as 30s), or a timeout on each @Transactional"),

	SHUTDOWN_IMMEDIATE("shutdown.immediate", Severity.ERROR,
			"every in-flight request is cut off at each deploy, restart or scale-in",
			"remove server.shutdown=immediate (Traffic Guard's default is graceful)"),

	SHUTDOWN_PHASE_TOO_SHORT("shutdown.phase-timeout-too-short", Severity.WARNING,
			"the shutdown phase ends before in-flight work may finish: requests still running then are cut off",
			"raise spring.lifecycle.timeout-per-shutdown-phase, or traffic-guard.shutdown.timeout from which "
					+ "Traffic Guard sets it, to at least the value named, or lower that value"),

	TOMCAT_UNBOUNDED("tomcat.unbounded-limit", Severity.ERROR,
			"a Tomcat limit set back to unbounded lets clients hold connections, threads or memory without end",
			"remove the property (Spring Boot's default is bounded) or give it a positive value"),

	SENSITIVE_ENDPOINT_EXPOSED("actuator.sensitive-endpoint-exposed", Severity.ERROR,
			"it answers over HTTP on the main port and no Spring Security guards it: whoever reaches the "
					+ "service can read the heap or the configuration, secrets included, or stall the JVM with "
					+ "dumps under load",
			"remove it from management.endpoints.web.exposure.include, move the actuator to a port of its own "
					+ "(management.server.port), or secure it with Spring Security"),

	RATE_LIMIT_DISABLED("rate-limit.disabled", Severity.WARNING,
			"nothing limits a single client: one client in a loop can take every request thread",
			"remove traffic-guard.rate-limit.enabled=false; exclude only the paths that must not be limited "
					+ "(traffic-guard.rate-limit.exclude-paths)"),

	OVERLOAD_DISABLED("overload.disabled", Severity.WARNING,
			"a saturated service queues every request until they all time out instead of shedding the excess early",
			"remove traffic-guard.overload.enabled=false"),

	INSPECTION_FAILED("audit.inspection-failed", Severity.WARNING,
			"the audit could not inspect it, so it may hide one of the other findings",
			"see the message; if the bean is fine, list audit.inspection-failed in traffic-guard.audit.ignore");

	private final String id;

	private final Severity severity;

	private final String why;

	private final String fix;

	FindingType(String id, Severity severity, String why, String fix) {
		this.id = id;
		this.severity = severity;
		this.why = why;
		this.fix = fix;
	}

	String id() {
		return this.id;
	}

	Severity severity() {
		return this.severity;
	}

	String why() {
		return this.why;
	}

	String fix() {
		return this.fix;
	}

	/**
	 * A finding of this type.
	 * @param subject the bean or property concerned
	 * @return the finding
	 */
	Finding at(String subject) {
		return new Finding(this.id, this.severity, subject, this.why, this.fix);
	}

	/**
	 * A finding of this type with a detail that explains this occurrence.
	 * @param subject the bean or property concerned
	 * @param detail what was found, put before why it matters
	 * @return the finding
	 */
	Finding at(String subject, String detail) {
		return new Finding(this.id, this.severity, subject, detail + "; " + this.why, this.fix);
	}

	/**
	 * Every finding id.
	 * @return the ids, in declaration order
	 */
	static List<String> ids() {
		return Arrays.stream(values()).map(FindingType::id).toList();
	}

}
