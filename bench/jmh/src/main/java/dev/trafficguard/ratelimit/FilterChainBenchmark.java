package dev.trafficguard.ratelimit;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.trafficguard.shutdown.InFlightRequestFilter;
import dev.trafficguard.web.ClientAddressResolver;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/**
 * The whole filter chain Traffic Guard adds to every request, in the order the server runs
 * it, against the same chain without it (what plain Spring Boot runs), in the same run:
 * <ul>
 * <li>{@code plainChain}: no Traffic Guard filter, straight to the handler;</li>
 * <li>{@code inFlightOnly}: the shutdown feature's {@link InFlightRequestFilter}
 * (order {@code HIGHEST_PRECEDENCE});</li>
 * <li>{@code rateLimitOnly}: the {@link RateLimitFilter} (order -90) with the sample app's
 * rules (the actuator's rule, the {@code default} rule raised out of reach as
 * {@code bench/run} does, {@code /stub/**} excluded), headers on allowed responses;</li>
 * <li>{@code rateLimitWithoutHeaders}: the same with
 * {@code traffic-guard.rate-limit.headers-on-allowed=false};</li>
 * <li>{@code trafficGuardChain}: both, in order: everything Traffic Guard runs per request
 * with every feature on.</li>
 * </ul>
 * The handler at the end of every chain does the same token work. Each thread reuses one
 * request and one response, as a server recycles its own; the response keeps header values
 * in fields, as Tomcat's recycled header table does, so that the mock's own bookkeeping is
 * not charged to the filters. Every request comes from 127.0.0.1, as in {@code bench/run}.
 * <p>
 * Run: {@code bench/jmh/run FilterChainBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FilterChainBenchmark {

	private Filter[] none;

	private Filter[] inFlight;

	private Filter[] rateLimit;

	private Filter[] rateLimitWithoutHeaders;

	private Filter[] trafficGuard;

	private LocalRateLimitBackend backend;

	@Setup(Level.Trial)
	public void setUp() {
		RateLimitProperties properties = new RateLimitProperties();
		properties.setExcludePaths(List.of("/stub/**"));
		RateLimitProperties.Rule rule = properties.getRules().get(RateLimitProperties.DEFAULT_RULE);
		rule.setCapacity(1_000_000_000);
		rule.setRefillTokens(1_000_000_000);
		properties.afterPropertiesSet();
		ClientAddressResolver addresses = ClientAddressResolver.trusting(List.of());
		RateLimitRules rules = RateLimitRules.of(properties, "/actuator", null, addresses);
		this.backend = new LocalRateLimitBackend(rules.rules(), properties.getMaxClients(),
				LocalRateLimitBackend.defaultMaxMemory());
		RequestPathMatcher excluded = RequestPathMatcher.of(rules.excludedPaths());
		RateLimitFilter rateLimitFilter = new RateLimitFilter(rules.rules(), excluded, this.backend,
				properties.getFailureMode(), true);
		RateLimitFilter withoutHeaders = new RateLimitFilter(rules.rules(), excluded, this.backend,
				properties.getFailureMode(), false);
		InFlightRequestFilter inFlightFilter = new InFlightRequestFilter();
		this.none = new Filter[0];
		this.inFlight = new Filter[] { inFlightFilter };
		this.rateLimit = new Filter[] { rateLimitFilter };
		this.rateLimitWithoutHeaders = new Filter[] { withoutHeaders };
		this.trafficGuard = new Filter[] { inFlightFilter, rateLimitFilter };
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.backend.close();
	}

	/**
	 * One thread's request, response and chain, reused across invocations.
	 */
	@State(Scope.Thread)
	public static class Exchange implements FilterChain {

		MockHttpServletRequest request;

		HeaderFields response;

		Filter[] filters;

		int position;

		long handled;

		@Setup(Level.Trial)
		public void setUp() {
			this.request = new MockHttpServletRequest("GET", "/api/work");
			this.request.setServletPath("/api/work");
			this.request.setQueryString("ms=0");
			this.request.setRemoteAddr("127.0.0.1");
			this.response = new HeaderFields(new MockHttpServletResponse());
		}

		void run(Filter[] filters) throws IOException, ServletException {
			this.filters = filters;
			this.position = 0;
			doFilter(this.request, this.response);
		}

		@Override
		public void doFilter(ServletRequest request, ServletResponse response) throws IOException, ServletException {
			if (this.position < this.filters.length) {
				this.filters[this.position++].doFilter(request, response, this);
				return;
			}
			// The handler
			Blackhole.consumeCPU(16);
			this.handled++;
		}

	}

	/**
	 * A response that keeps the two headers the rate limiter writes in fields, as Tomcat's
	 * recycled header table keeps them without allocating.
	 */
	static final class HeaderFields extends HttpServletResponseWrapper {

		String policy;

		String rateLimit;

		HeaderFields(MockHttpServletResponse response) {
			super(response);
		}

		@Override
		public void setHeader(String name, String value) {
			if (RateLimitFilter.RATE_LIMIT_POLICY.equals(name)) {
				this.policy = value;
			}
			else {
				this.rateLimit = value;
			}
		}

		@Override
		public boolean isCommitted() {
			return false;
		}

	}

	/**
	 * The chains by name, in the order of the benchmarks, for {@link FilterChainCpuTime}.
	 */
	Map<String, Filter[]> chains() {
		Map<String, Filter[]> chains = new LinkedHashMap<>();
		chains.put("plainChain", this.none);
		chains.put("inFlightOnly", this.inFlight);
		chains.put("rateLimitOnly", this.rateLimit);
		chains.put("rateLimitWithoutHeaders", this.rateLimitWithoutHeaders);
		chains.put("trafficGuardChain", this.trafficGuard);
		return chains;
	}

	@Benchmark
	public void plainChain(Exchange exchange) throws Exception {
		exchange.run(this.none);
	}

	@Benchmark
	public void inFlightOnly(Exchange exchange) throws Exception {
		exchange.run(this.inFlight);
	}

	@Benchmark
	public void rateLimitOnly(Exchange exchange) throws Exception {
		exchange.run(this.rateLimit);
	}

	@Benchmark
	public void rateLimitWithoutHeaders(Exchange exchange) throws Exception {
		exchange.run(this.rateLimitWithoutHeaders);
	}

	@Benchmark
	public void trafficGuardChain(Exchange exchange) throws Exception {
		exchange.run(this.trafficGuard);
	}

}
