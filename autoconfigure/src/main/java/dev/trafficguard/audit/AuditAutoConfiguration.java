package dev.trafficguard.audit;

import com.zaxxer.hikari.HikariDataSource;
import dev.trafficguard.actuate.TrafficGuardContributor;
import dev.trafficguard.properties.TrafficGuardAutoConfiguration;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.http.client.autoconfigure.ClientHttpRequestFactoryBuilderCustomizer;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.util.ClassUtils;
import org.springframework.web.client.RestTemplate;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the startup audit: once the
 * context has refreshed, the application's own executors, HTTP clients, pools, timeouts,
 * exposed endpoints and switched-off protections are inspected, and what would fail under
 * high traffic is logged, shown in the {@code audit} section of the {@code trafficguard}
 * endpoint and counted in {@code traffic.guard.audit.findings}. Each inspection is a bean
 * of its own, registered only where what it inspects can exist.
 */
@AutoConfiguration(after = TrafficGuardAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = { "traffic-guard.enabled", "traffic-guard.audit.enabled" }, matchIfMissing = true)
@EnableConfigurationProperties(AuditProperties.class)
public final class AuditAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	StartupAudit trafficGuardStartupAudit(AuditProperties properties, ObjectProvider<Inspection> inspections,
			ObjectProvider<ClientBuildCounter> clientBuilds) {
		return new StartupAudit(properties, inspections.orderedStream().toList(), clientBuilds.getIfAvailable());
	}

	@Bean
	Inspection trafficGuardExecutorInspection() {
		return new ExecutorInspection();
	}

	@Bean
	TrafficGuardContributor trafficGuardAuditContributor(StartupAudit audit, AuditProperties properties,
			ObjectProvider<ClientBuildCounter> clientBuilds) {
		return new AuditContributor(audit, properties, clientBuilds.getIfAvailable());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ClientHttpRequestFactoryBuilderCustomizer.class)
	static class ClientBuildConfiguration {

		@Bean
		ClientBuildCounter trafficGuardClientBuildCounter(AuditProperties properties) {
			return new ClientBuildCounter(properties.getClientBuildThreshold());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(RestTemplate.class)
	static class HttpClientInspectionConfiguration {

		@Bean
		Inspection trafficGuardHttpClientInspection(ObjectProvider<ClientBuildCounter> clientBuilds) {
			return new HttpClientInspection(clientBuilds.getIfAvailable());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HikariDataSource.class)
	static class ConnectionPoolInspectionConfiguration {

		@Bean
		Inspection trafficGuardConnectionPoolInspection(ApplicationContext context) {
			return new ConnectionPoolInspection(
					WebApplications.isServlet(context) && ClassUtils.isPresent("org.apache.catalina.startup.Tomcat",
							ConnectionPoolInspectionConfiguration.class.getClassLoader()));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(AbstractPlatformTransactionManager.class)
	static class TransactionInspectionConfiguration {

		@Bean
		Inspection trafficGuardTransactionInspection() {
			return new TransactionInspection();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication
	static class WebInspectionConfiguration {

		@Bean
		Inspection trafficGuardServerInspection(ApplicationContext context) {
			return new ServerInspection(WebApplications.isServlet(context));
		}

		@Bean
		Inspection trafficGuardExposureInspection() {
			return new ExposureInspection();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	static class AuditMetricsConfiguration {

		@Bean
		MeterBinder trafficGuardAuditMetrics(StartupAudit audit) {
			return (registry) -> {
				for (Severity severity : Severity.values()) {
					Gauge.builder("traffic.guard.audit.findings", audit, (source) -> source.count(severity))
						.description("Findings of Traffic Guard's startup audit that are not ignored")
						.tag("severity", severity.label())
						.register(registry);
				}
			};
		}

	}

}
