package dev.trafficguard.deadline;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import dev.trafficguard.web.CidrBlock;
import dev.trafficguard.web.ClientAddressResolver;
import jakarta.servlet.FilterChain;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link DeadlineFilter}.
 */
class DeadlineFilterTests {

	private final DeadlineCounters counters = new DeadlineCounters();

	private final DeadlineFilter filter = new DeadlineFilter(DeadlineRules.of(properties()), this.counters,
			"X-Request-Budget-Ms", ClientAddressResolver.trusting(List.of("10.0.0.0/8")));

	private static DeadlineProperties properties() {
		DeadlineProperties properties = new DeadlineProperties();
		properties.setDefaultBudget(Duration.ofSeconds(3));
		DeadlineProperties.Rule rule = new DeadlineProperties.Rule();
		rule.setPaths(List.of("/api/{id}/report"));
		rule.setBudget(Duration.ofSeconds(1));
		properties.getRules().put("report", rule);
		return properties;
	}

	@Test
	void budgetFromAnUntrustedCallerIsIgnoredAndCounted() throws Exception {
		MockHttpServletRequest request = request("/api", "203.0.113.9", "100");
		assertThat(budgetSeen(request)).isEqualTo(Duration.ofSeconds(3));
		assertThat(this.counters.headerUntrusted.sum()).isOne();
		assertThat(this.counters.headerHonoured.sum()).isZero();
	}

	@Test
	void budgetIsNeverHonouredWhenTheServerResolvesForwardedHeaders() throws Exception {
		DeadlineFilter filter = new DeadlineFilter(DeadlineRules.of(properties()), this.counters,
				"X-Request-Budget-Ms", new ClientAddressResolver(List.of(CidrBlock.parse("10.0.0.0/8")), true));
		AtomicReference<Duration> seen = new AtomicReference<>();
		filter.doFilter(request("/api", "10.1.2.3", "100"), new MockHttpServletResponse(),
				(req, res) -> seen.set(Deadline.current().budget()));
		assertThat(seen.get()).isEqualTo(Duration.ofSeconds(3));
		assertThat(this.counters.headerUntrusted.sum()).isOne();
	}

	@Test
	void budgetFromATrustedProxyIsHonouredWhenShorter() throws Exception {
		assertThat(budgetSeen(request("/api", "10.1.2.3", "100"))).isEqualTo(Duration.ofMillis(100));
		assertThat(budgetSeen(request("/api/7/report", "10.1.2.3", "5000"))).isEqualTo(Duration.ofSeconds(1));
		assertThat(this.counters.headerHonoured.sum()).isEqualTo(2);
	}

	@Test
	void patternRulesMatch() throws Exception {
		assertThat(budgetSeen(request("/api/7/report", "10.1.2.3", null))).isEqualTo(Duration.ofSeconds(1));
		assertThat(budgetSeen(request("/api/7/other", "10.1.2.3", null))).isEqualTo(Duration.ofSeconds(3));
	}

	@Test
	void deadlineIsRemovedFromTheThreadEvenWhenTheChainThrows() {
		FilterChain failing = (req, res) -> {
			assertThat(Deadline.current()).isNotNull();
			throw new IllegalStateException("boom");
		};
		assertThatIllegalStateException().isThrownBy(
				() -> this.filter.doFilter(request("/api", "10.1.2.3", null), new MockHttpServletResponse(), failing));
		assertThat(Deadline.current()).isNull();
	}

	@Test
	void enclosingDeadlineIsRestoredAfterANestedOne() throws Exception {
		Deadline outer = Deadline.after(Duration.ofMinutes(1));
		try (Deadline.Scope scope = outer.enter()) {
			AtomicReference<Deadline> inner = new AtomicReference<>();
			this.filter.doFilter(request("/api", "10.1.2.3", null), new MockHttpServletResponse(),
					(req, res) -> inner.set(Deadline.current()));
			assertThat(inner.get()).isNotSameAs(outer);
			assertThat(Deadline.current()).isSameAs(outer);
		}
		assertThat(Deadline.current()).isNull();
	}

	@Test
	void onlyPositiveWholeMillisecondsParse() {
		assertThat(DeadlineFilter.parseMillis("250")).isEqualTo(250);
		assertThat(DeadlineFilter.parseMillis("9999999999")).isEqualTo(9_999_999_999L);
		for (String bad : new String[] { "", "0", "-1", "+1", "1.0", "1e3", "12345678901", "abc", " 1", "１" }) {
			assertThat(DeadlineFilter.parseMillis(bad)).as(bad).isEqualTo(-1);
		}
	}

	private Duration budgetSeen(MockHttpServletRequest request) throws Exception {
		AtomicReference<Duration> seen = new AtomicReference<>();
		this.filter.doFilter(request, new MockHttpServletResponse(),
				(req, res) -> seen.set(Deadline.current().budget()));
		assertThat(Deadline.current()).isNull();
		return seen.get();
	}

	private static MockHttpServletRequest request(String path, String remote, String budget) {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
		request.setServletPath(path);
		request.setRemoteAddr(remote);
		if (budget != null) {
			request.addHeader("X-Request-Budget-Ms", budget);
		}
		return request;
	}

}
