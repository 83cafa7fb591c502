package dev.trafficguard.http;

import dev.trafficguard.lifecycle.ShutdownTimeline;
import dev.trafficguard.properties.SettingSources;
import dev.trafficguard.properties.TrafficGuardAutoConfiguration;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.httpcomponents.hc5.PoolingHttpClientConnectionManagerMetricsBinder;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.HttpsSupport;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.reactor.ssl.SSLBufferMode;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpComponentsClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.autoconfigure.ClientHttpRequestFactoryBuilderCustomizer;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for one shared, bounded Apache
 * HttpClient 5 connection pool used by every HTTP client Spring Boot builds. It plugs into
 * Boot's own {@link ClientHttpRequestFactoryBuilderCustomizer} point, so Boot's builders stay
 * in place and a user's own {@code ClientHttpRequestFactoryBuilder} bean still wins.
 * Spring Boot's {@code spring.http.clients.connect-timeout}, {@code read-timeout},
 * {@code ssl.bundle} and address filter are applied to the shared pool when set.
 */
@AutoConfiguration(
		after = { TrafficGuardAutoConfiguration.class,
				org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration.class },
		before = ImperativeHttpClientAutoConfiguration.class)
@ConditionalOnClass({ PoolingHttpClientConnectionManager.class, HttpComponentsClientHttpRequestFactoryBuilder.class,
		ClientHttpRequestFactoryBuilderCustomizer.class })
@ConditionalOnBooleanProperty(name = { "traffic-guard.enabled", "traffic-guard.http-client.enabled" },
		matchIfMissing = true)
@EnableConfigurationProperties(HttpClientProperties.class)
public final class HttpClientAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SharedConnectionPool trafficGuardSharedConnectionPool(HttpClientProperties properties,
			ObjectProvider<HttpClientSettings> bootSettings, ObjectProvider<ShutdownTimeline> timeline) {
		HttpClientSettings boot = bootSettings.getIfAvailable(HttpClientSettings::defaults);
		SharedConnectionPool.Settings settings = new SharedConnectionPool.Settings(properties.getMaxTotal(),
				properties.getMaxPerRoute(),
				(boot.connectTimeout() != null) ? boot.connectTimeout() : properties.getConnectTimeout(),
				properties.getLeaseTimeout(),
				(boot.readTimeout() != null) ? boot.readTimeout() : properties.getResponseTimeout(),
				properties.getIdleTimeout(), properties.getTimeToLive(), properties.getValidateAfterInactivity(),
				properties.maxCallsPerHostInForce());
		DnsResolver dnsResolver = (boot.inetAddressFilter() != null)
				? new FilteringDnsResolver(boot.inetAddressFilter()) : null;
		return new SharedConnectionPool(settings, tlsSocketStrategy(boot.sslBundle()), dnsResolver,
				timeline.getIfAvailable());
	}

	private static @Nullable TlsSocketStrategy tlsSocketStrategy(@Nullable SslBundle bundle) {
		if (bundle == null) {
			return null;
		}
		SslOptions options = bundle.getOptions();
		return new DefaultClientTlsStrategy(bundle.createSslContext(), options.getEnabledProtocols(),
				options.getCiphers(), SSLBufferMode.STATIC, HttpsSupport.getDefaultHostnameVerifier());
	}

	@Bean
	@ConditionalOnMissingBean
	SharedPoolCustomizer trafficGuardSharedPoolCustomizer(SharedConnectionPool pool) {
		return new SharedPoolCustomizer(pool);
	}

	@Bean
	@ConditionalOnMissingBean
	DownstreamProblemMapper trafficGuardDownstreamProblemMapper() {
		return new DownstreamProblemMapper();
	}

	@Bean
	HttpClientContributor trafficGuardHttpClientContributor(SharedConnectionPool pool, SettingSources sources) {
		return new HttpClientContributor(pool, sources);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ MeterBinder.class, PoolingHttpClientConnectionManagerMetricsBinder.class })
	static final class PoolMetricsConfiguration {

		@Bean
		MeterBinder trafficGuardHttpClientPoolMetrics(SharedConnectionPool pool) {
			return new PoolingHttpClientConnectionManagerMetricsBinder(pool.getConnectionManager(), "traffic-guard");
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	static final class CallMetricsConfiguration {

		@Bean
		MeterBinder trafficGuardHttpClientCallMetrics(SharedConnectionPool pool) {
			HostBulkhead bulkhead = pool.getHostBulkhead();
			UnsentRequests unsent = pool.getUnsentRequests();
			return (registry) -> {
				Gauge.builder("traffic.guard.http-client.calls.in-flight", bulkhead, HostBulkhead::getCallsInFlight)
					.description("Calls in flight through the shared HTTP client, across every host")
					.register(registry);
				FunctionCounter
					.builder("traffic.guard.http-client.bulkhead.rejected", bulkhead, HostBulkhead::getRejected)
					.description("Calls refused at once because their host had max-calls-per-host calls in flight")
					.register(registry);
				FunctionCounter
					.builder("traffic.guard.http-client.requests.unsent", unsent, UnsentRequests::getUnsent)
					.description("Calls that failed before their request left the process (an invalid request)")
					.register(registry);
			};
		}

	}

}
