package dev.trafficguard.audit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.trafficguard.audit.AuditProperties.FailOn;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextRefreshedEvent;

/**
 * Runs every {@link Inspection} once the application context has refreshed (every bean
 * exists, the web server has started) and before the application reports itself ready, so
 * that {@code traffic-guard.audit.fail-on} stops an instance before it takes traffic. It runs
 * once, on the thread that starts the application, never on a request.
 * <p>
 * The findings are logged as one warning, one line each, and nothing is logged when there
 * are none. Findings whose id is in {@code traffic-guard.audit.ignore} are left out. An
 * inspection that throws is reported as an {@code audit.inspection-failed} finding: the
 * audit by itself never stops startup, only {@code fail-on} does.
 * <p>
 * Findings made while the application runs ({@code http-client.built-per-request}) are
 * added to the others and logged once each.
 */
public final class StartupAudit implements ApplicationListener<ContextRefreshedEvent>, ApplicationContextAware {

	private static final Log logger = LogFactory.getLog(StartupAudit.class);

	private final AuditProperties properties;

	private final List<Inspection> inspections;

	private final @Nullable ClientBuildCounter clientBuilds;

	private final Set<String> ignored;

	private @Nullable ApplicationContext applicationContext;

	private volatile List<Finding> findings = List.of();

	private volatile boolean ran;

	private int suppressed;

	StartupAudit(AuditProperties properties, List<Inspection> inspections, @Nullable ClientBuildCounter clientBuilds) {
		this.properties = properties;
		this.inspections = List.copyOf(inspections);
		this.clientBuilds = clientBuilds;
		this.ignored = Collections.unmodifiableSet(new LinkedHashSet<>(properties.getIgnore()));
	}

	@Override
	public void setApplicationContext(ApplicationContext applicationContext) {
		this.applicationContext = applicationContext;
	}

	@Override
	public void onApplicationEvent(ContextRefreshedEvent event) {
		// A child context (the management server's) publishes to its parent too
		if (event.getApplicationContext() != this.applicationContext || this.ran) {
			return;
		}
		if (this.applicationContext instanceof ConfigurableApplicationContext context) {
			run(new AuditScope(context.getBeanFactory(), context.getEnvironment()));
		}
	}

	/**
	 * Run every inspection, keep and log the findings, and stop startup if
	 * {@code fail-on} says so.
	 * @param scope what to inspect
	 * @throws AuditFailedException if a finding's severity reaches {@code fail-on}
	 */
	void run(AuditScope scope) {
		List<Finding> kept = new ArrayList<>();
		try {
			for (Inspection inspection : this.inspections) {
				inspect(inspection, scope);
			}
			int suppressedNow = 0;
			for (Finding finding : scope.findings()) {
				if (this.ignored.contains(finding.id())) {
					suppressedNow++;
				}
				else if (!kept.contains(finding)) {
					kept.add(finding);
				}
			}
			synchronized (this) {
				this.suppressed += suppressedNow;
				List<Finding> all = new ArrayList<>(kept);
				all.addAll(this.findings);
				this.findings = List.copyOf(all);
			}
			this.ran = true;
			if (this.clientBuilds != null) {
				this.clientBuilds.startCounting(this::reportAtRuntime);
			}
			if (!kept.isEmpty()) {
				logger.warn(report(kept));
			}
		}
		catch (RuntimeException ex) {
			// The audit never stops startup by itself
			logger.warn("Traffic Guard's startup audit did not complete: " + AuditScope.describe(ex));
			return;
		}
		FailOn failOn = this.properties.getFailOn();
		List<Finding> failing = kept.stream().filter((finding) -> failOn.fails(finding.severity())).toList();
		if (!failing.isEmpty()) {
			throw new AuditFailedException(failOn, failing);
		}
	}

	private void inspect(Inspection inspection, AuditScope scope) {
		try {
			inspection.inspect(scope);
		}
		catch (RuntimeException | LinkageError ex) {
			scope.report(FindingType.INSPECTION_FAILED.at("inspection '" + inspection.name() + "'",
					"it threw " + AuditScope.describe(ex)));
		}
	}

	/**
	 * Add a finding made while the application runs, and log it once.
	 * @param finding the finding
	 */
	void reportAtRuntime(Finding finding) {
		synchronized (this) {
			if (this.ignored.contains(finding.id())) {
				this.suppressed++;
				return;
			}
			if (this.findings.contains(finding)) {
				return;
			}
			List<Finding> all = new ArrayList<>(this.findings);
			all.add(finding);
			this.findings = List.copyOf(all);
		}
		logger.warn("Traffic Guard audit: " + finding.line());
	}

	private static String report(List<Finding> findings) {
		Map<Severity, Integer> counts = count(findings);
		StringBuilder report = new StringBuilder("Traffic Guard audit: ").append(findings.size())
			.append((findings.size() != 1) ? " findings" : " finding")
			.append(" that would fail under high traffic (")
			.append(counts.get(Severity.ERROR))
			.append(" error, ")
			.append(counts.get(Severity.WARNING))
			.append(" warning). Fix them, or list the ids you know better about in traffic-guard.audit.ignore:");
		for (Finding finding : findings) {
			report.append(System.lineSeparator()).append("  ").append(finding.line());
		}
		return report.toString();
	}

	private static Map<Severity, Integer> count(List<Finding> findings) {
		Map<Severity, Integer> counts = new EnumMap<>(Severity.class);
		for (Severity severity : Severity.values()) {
			counts.put(severity, 0);
		}
		findings.forEach((finding) -> counts.merge(finding.severity(), 1, Integer::sum));
		return counts;
	}

	/**
	 * Every finding not ignored, those made at startup first.
	 * @return the findings
	 */
	public List<Finding> getFindings() {
		return this.findings;
	}

	/**
	 * The number of findings of a severity.
	 * @param severity the severity
	 * @return the number
	 */
	public int count(Severity severity) {
		return count(this.findings).get(severity);
	}

	/**
	 * Whether the audit has run.
	 * @return whether it ran
	 */
	public boolean hasRun() {
		return this.ran;
	}

	/**
	 * The number of findings left out because their id is ignored.
	 * @return the number
	 */
	public synchronized int getSuppressed() {
		return this.suppressed;
	}

}
