package dev.trafficguard.bench.jmh;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.trafficguard.targets.RequestTimingFilter;
import dev.trafficguard.targets.RequestTimings;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.Blackhole;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.servlet.HandlerMapping;

/**
 * The cost of the performance targets on every request: a pass through
 * {@link RequestTimingFilter} (two clock reads, the actuator-path check, the URI pattern
 * lookup and two histogram increments) before the rest of the chain, against the chain alone,
 * as plain Spring Boot runs it. Two threads share one filter and its timings, as request
 * threads do, each with its own request for a matched URI pattern. Run with {@code -prof gc}
 * to see the allocation per request.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(2)
public class RequestTimingFilterBenchmark {

	private final RequestTimingFilter filter = new RequestTimingFilter(
			new RequestTimings(Duration.ofMinutes(1), 100), "/actuator");

	private final FilterChain chain = (request, response) -> Blackhole.consumeCPU(16);

	@Benchmark
	public void plainChain(Exchange exchange) throws IOException, ServletException {
		this.chain.doFilter(exchange.request, exchange.response);
	}

	@Benchmark
	public void timedChain(Exchange exchange) throws IOException, ServletException {
		this.filter.doFilter(exchange.request, exchange.response, this.chain);
	}

	/**
	 * One request thread's request and response, as Spring MVC leaves them: the matched
	 * pattern set as a request attribute.
	 */
	@State(Scope.Thread)
	public static class Exchange {

		final MockHttpServletRequest request = new MockHttpServletRequest("GET", "/orders/42");

		final MockHttpServletResponse response = new MockHttpServletResponse();

		public Exchange() {
			this.request.setAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE, "/orders/{id}");
		}

	}

}
