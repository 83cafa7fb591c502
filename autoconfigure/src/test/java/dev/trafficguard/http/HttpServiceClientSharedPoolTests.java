package dev.trafficguard.http;

import java.net.SocketTimeoutException;
import java.time.Duration;

import dev.trafficguard.properties.TrafficGuardAutoConfiguration;
import dev.trafficguard.test.Downstream;
import dev.trafficguard.test.TrafficGuardDefaultsInitializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.service.HttpServiceClientPropertiesAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.service.HttpServiceClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.registry.ImportHttpServices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * HTTP service clients ({@code @HttpExchange} interfaces) that Spring Boot builds use the
 * shared pool, and a group's own read timeout wins for that group.
 */
class HttpServiceClientSharedPoolTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TrafficGuardAutoConfiguration.class,
				org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration.class,
				ImperativeHttpClientAutoConfiguration.class, RestClientAutoConfiguration.class,
				HttpServiceClientPropertiesAutoConfiguration.class, HttpServiceClientAutoConfiguration.class,
				HttpClientAutoConfiguration.class))
		.withUserConfiguration(DownstreamServices.class)
		.withInitializer(new TrafficGuardDefaultsInitializer());

	private Downstream downstream;

	@BeforeEach
	void startDownstream() throws Exception {
		this.downstream = new Downstream();
	}

	@AfterEach
	void stopDownstream() throws Exception {
		this.downstream.close();
	}

	@Test
	void httpServiceClientSharesThePoolWithRestClients() {
		this.contextRunner.withPropertyValues("spring.http.serviceclient.downstream.base-url=" + this.downstream.url())
			.run((context) -> {
				assertThat(context.getBean(DownstreamService.class).get()).contains("200");
				assertThat(context.getBean(RestClient.Builder.class)
					.build()
					.get()
					.uri(this.downstream.url() + "/")
					.retrieve()
					.body(String.class)).contains("200");
				assertThat(this.downstream.requests()).isEqualTo(2);
				assertThat(this.downstream.connections()).isEqualTo(1);
			});
	}

	@Test
	void groupsOwnReadTimeoutWinsForTheGroup() {
		this.contextRunner
			.withPropertyValues("spring.http.serviceclient.downstream.base-url=" + this.downstream.url(),
					"spring.http.serviceclient.downstream.read-timeout=200ms",
					"traffic-guard.http-client.response-timeout=10m")
			.run((context) -> {
				this.downstream.hang();
				DownstreamService service = context.getBean(DownstreamService.class);
				// Bounded far below the pool's 10 minutes, far above 200 ms on a loaded machine.
				assertTimeoutPreemptively(Duration.ofMinutes(1),
						() -> assertThatExceptionOfType(ResourceAccessException.class).isThrownBy(service::get)
							.withCauseInstanceOf(SocketTimeoutException.class));
				assertThat(context.getBean(SharedConnectionPool.class).getSettings().responseTimeout())
					.isEqualTo(Duration.ofMinutes(10));
			});
	}

	interface DownstreamService {

		@GetExchange("/")
		String get();

	}

	@Configuration(proxyBeanMethods = false)
	@ImportHttpServices(group = "downstream", types = DownstreamService.class)
	static class DownstreamServices {

	}

}
