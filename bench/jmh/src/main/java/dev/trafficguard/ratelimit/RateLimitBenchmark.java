package dev.trafficguard.ratelimit;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.trafficguard.ratelimit.RateLimitProperties.FailureMode;
import dev.trafficguard.web.ClientAddressResolver;
import io.github.bucket4j.Bucket;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
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
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The cost of a rate-limit decision on the local backend, and of the whole filter against
 * a filter that only passes the request on (what a plain Spring Boot service has in its
 * place), in the same run.
 * <p>
 * It sits in the feature's package to build the filter from its parts without a server.
 * Run: {@code bench/jmh/run RateLimitBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RateLimitBenchmark {

	private static final int CLIENTS = 1024;

	private RateLimitRule rule;

	private LocalRateLimitBackend backend;

	private String[] keys;

	private Bucket[] buckets;

	private RateLimitFilter filter;

	private RateLimitFilter filterWithoutHeaders;

	private OncePerRequestFilter passThrough;

	private final FilterChain chain = (request, response) -> {
	};

	@Setup(Level.Trial)
	public void setUp() {
		ClientAddressResolver addresses = ClientAddressResolver.trusting(List.of());
		// A bucket that never runs dry: the benchmark measures the decision, not the 429.
		this.rule = new RateLimitRule("default", 0, List.of("/**"), List.of(), "ip",
				ClientKeys.forKey(null, null, addresses, 64), 1_000_000_000, 1_000_000_000, Duration.ofSeconds(1),
				"bench:");
		this.backend = new LocalRateLimitBackend(List.of(this.rule), 1_000_000, LocalRateLimitBackend.defaultMaxMemory());
		this.keys = new String[CLIENTS];
		for (int i = 0; i < CLIENTS; i++) {
			this.keys[i] = "10.0." + (i >> 8) + "." + (i & 0xff);
			this.backend.tryConsume(this.rule, this.keys[i]);
		}
		this.buckets = new Bucket[CLIENTS];
		for (int i = 0; i < CLIENTS; i++) {
			this.buckets[i] = Bucket.builder().addLimit(this.rule.configuration().getBandwidths()[0]).build();
		}
		RequestPathMatcher excluded = RequestPathMatcher.of(List.of("/actuator", "/actuator/**"));
		this.filter = new RateLimitFilter(List.of(this.rule), excluded, this.backend, FailureMode.OPEN, true);
		this.filterWithoutHeaders = new RateLimitFilter(List.of(this.rule), excluded, this.backend, FailureMode.OPEN,
				false);
		this.passThrough = new OncePerRequestFilter() {
			@Override
			protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
					FilterChain filterChain) throws ServletException, IOException {
				filterChain.doFilter(request, response);
			}
		};
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.backend.close();
	}

	/**
	 * A per-thread request, reused across invocations as a server reuses its request
	 * objects, from a new one of {@value #CLIENTS} client addresses each time.
	 */
	@State(Scope.Thread)
	public static class Requests {

		String[] addresses;

		MockHttpServletRequest request;

		MockHttpServletResponse response;

		int next;

		@Setup(Level.Trial)
		public void setUp() {
			this.addresses = new String[CLIENTS];
			for (int i = 0; i < CLIENTS; i++) {
				this.addresses[i] = "10.0." + (i >> 8) + "." + (i & 0xff);
			}
			this.request = new MockHttpServletRequest("GET", "/api/work");
			this.request.setServletPath("/api/work");
			this.response = new MockHttpServletResponse();
		}

		MockHttpServletRequest next() {
			this.next = (this.next + 1) & (CLIENTS - 1);
			this.request.setRemoteAddr(this.addresses[this.next]);
			return this.request;
		}

	}

	/**
	 * One client's key, cycling over {@value #CLIENTS} clients.
	 */
	@State(Scope.Thread)
	public static class Cursor {

		int next;

	}

	@Benchmark
	public void localDecision(Cursor cursor, Blackhole blackhole) {
		cursor.next = (cursor.next + 1) & (CLIENTS - 1);
		blackhole.consume(this.backend.tryConsume(this.rule, this.keys[cursor.next]));
	}

	/**
	 * The same token taken from bucket4j's own bucket held in an array: what the decision
	 * costs without Traffic Guard's lookup of the client's bucket.
	 */
	@Benchmark
	public void bucket4jAlone(Cursor cursor, Blackhole blackhole) {
		cursor.next = (cursor.next + 1) & (CLIENTS - 1);
		blackhole.consume(this.buckets[cursor.next].tryConsumeAndReturnRemaining(1));
	}

	@Benchmark
	public void rateLimitFilterWithoutHeaders(Requests requests) throws Exception {
		this.filterWithoutHeaders.doFilter(requests.next(), requests.response, this.chain);
	}

	@Benchmark
	public void rateLimitFilter(Requests requests) throws Exception {
		this.filter.doFilter(requests.next(), requests.response, this.chain);
	}

	@Benchmark
	public void passThroughFilter(Requests requests) throws Exception {
		this.passThrough.doFilter(requests.next(), requests.response, this.chain);
	}

}
