package dev.trafficguard.bench.jmh;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.concurrent.TimeUnit;

import dev.trafficguard.shutdown.InFlightRequestFilter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The cost of counting requests in flight for graceful shutdown: a request through
 * {@link InFlightRequestFilter} and then the rest of the chain, against the chain alone, as
 * plain Spring Boot runs it. Two threads share one filter, as request threads do. Run with
 * {@code -prof gc} to see the allocation per request.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(2)
public class InFlightRequestFilterBenchmark {

	private final InFlightRequestFilter filter = new InFlightRequestFilter();

	// Answers false to isAsyncStarted(), the only method the filter calls
	private final ServletRequest request = (ServletRequest) Proxy.newProxyInstance(
			ServletRequest.class.getClassLoader(), new Class<?>[] { ServletRequest.class },
			(proxy, method, args) -> (method.getReturnType() == boolean.class) ? Boolean.FALSE : null);

	private final ServletResponse response = (ServletResponse) Proxy.newProxyInstance(
			ServletResponse.class.getClassLoader(), new Class<?>[] { ServletResponse.class },
			(proxy, method, args) -> null);

	private final FilterChain chain = (request, response) -> Blackhole.consumeCPU(16);

	@Benchmark
	public void plainChain() throws IOException, ServletException {
		this.chain.doFilter(this.request, this.response);
	}

	@Benchmark
	public void countedChain() throws IOException, ServletException {
		this.filter.doFilter(this.request, this.response, this.chain);
	}

}
