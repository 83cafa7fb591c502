package dev.trafficguard.shutdown;

import java.time.Duration;

import dev.trafficguard.properties.TrafficGuardAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ConnectionCloseFilter}: {@code Connection: close} on every response once
 * its own context begins to close, and the connection-close notice's property.
 */
class ConnectionCloseFilterTests {

	@Test
	void asksClientsToCloseOnlyOnceItsOwnContextCloses() throws Exception {
		ConnectionCloseFilter filter = new ConnectionCloseFilter();
		GenericApplicationContext own = new GenericApplicationContext();
		filter.setApplicationContext(own);
		assertThat(serve(filter).getHeader("Connection")).isNull();

		filter.onApplicationEvent(new ContextClosedEvent(new GenericApplicationContext()));
		assertThat(filter.isClosing()).isFalse();
		assertThat(serve(filter).getHeader("Connection")).isNull();

		filter.onApplicationEvent(new ContextClosedEvent(own));
		assertThat(filter.isClosing()).isTrue();
		assertThat(serve(filter).getHeader("Connection")).isEqualTo("close");
	}

	@Test
	void connectionCloseNoticeIsHalfASecondAndValidated() {
		WebApplicationContextRunner runner = new WebApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(TrafficGuardAutoConfiguration.class, ShutdownAutoConfiguration.class));
		runner.run((context) -> {
			assertThat(context).hasSingleBean(ConnectionCloseFilter.class).hasSingleBean(ConnectionCloseAdvice.class);
			assertThat(context.getBean(ShutdownProperties.class).getConnectionCloseNotice())
				.isEqualTo(Duration.ofMillis(500));
			// Nothing serves in a mock servlet environment, so nothing waits
			assertThat(context.getBean(PreStopDelay.class).getConnectionCloseNotice()).isZero();
		});
		runner.withPropertyValues("traffic-guard.shutdown.connection-close-notice=1m")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasMessageContaining("traffic-guard.shutdown.connection-close-notice"));
	}

	private static MockHttpServletResponse serve(ConnectionCloseFilter filter) throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		filter.doFilter(new MockHttpServletRequest(), response, new MockFilterChain());
		return response;
	}

}
