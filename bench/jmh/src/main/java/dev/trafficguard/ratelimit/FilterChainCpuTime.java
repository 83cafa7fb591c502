package dev.trafficguard.ratelimit;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Map;

import jakarta.servlet.Filter;

/**
 * The CPU time per request of the chains of {@link FilterChainBenchmark}, from the thread's
 * own CPU clock rather than the wall clock, so that time the thread spends waiting for a core
 * on a busy machine is not charged to it. The chains take turns in short slices, many rounds,
 * and each chain's figure is the median of its slices (a slice that followed a context switch
 * pays for cold caches). Still indicative on a loaded machine; JMH's wall-clock figures on a
 * quiet one are the reference.
 * <p>
 * Run: {@code java -cp "$cp" dev.trafficguard.ratelimit.FilterChainCpuTime [rounds] [requests per slice]}
 * with the classpath of {@code bench/jmh/run}.
 */
public final class FilterChainCpuTime {

	private FilterChainCpuTime() {
	}

	public static void main(String[] args) throws Exception {
		int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 200;
		int slice = (args.length > 1) ? Integer.parseInt(args[1]) : 20_000;
		FilterChainBenchmark benchmark = new FilterChainBenchmark();
		benchmark.setUp();
		FilterChainBenchmark.Exchange exchange = new FilterChainBenchmark.Exchange();
		exchange.setUp();
		Map<String, Filter[]> chains = benchmark.chains();
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		// Warm-up: every chain compiled before measuring
		for (int i = 0; i < 20; i++) {
			for (Filter[] chain : chains.values()) {
				run(exchange, chain, slice);
			}
		}
		long[][] nanos = new long[chains.size()][rounds];
		for (int round = 0; round < rounds; round++) {
			int c = 0;
			for (Filter[] chain : chains.values()) {
				long start = threads.getCurrentThreadCpuTime();
				run(exchange, chain, slice);
				nanos[c++][round] = threads.getCurrentThreadCpuTime() - start;
			}
		}
		System.out.printf("%-26s %18s %16s%n", "chain", "CPU ns/request", "vs plainChain");
		double plain = 0;
		int c = 0;
		for (String name : chains.keySet()) {
			long[] sorted = nanos[c++].clone();
			Arrays.sort(sorted);
			double median = (double) sorted[rounds / 2] / slice;
			if (c == 1) {
				plain = median;
			}
			System.out.printf("%-26s %18.1f %+16.1f%n", name, median, median - plain);
		}
		benchmark.tearDown();
		System.out.println("(" + exchange.handled + " requests handled)");
	}

	private static void run(FilterChainBenchmark.Exchange exchange, Filter[] chain, int requests) throws Exception {
		for (int i = 0; i < requests; i++) {
			exchange.run(chain);
		}
	}

}
