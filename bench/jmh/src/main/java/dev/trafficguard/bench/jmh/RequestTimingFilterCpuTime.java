package dev.trafficguard.bench.jmh;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;

import dev.trafficguard.targets.RequestTimingFilter;
import dev.trafficguard.targets.RequestTimings;
import jakarta.servlet.FilterChain;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.servlet.HandlerMapping;

/**
 * The CPU time {@link RequestTimingFilter} adds per request, read from the thread's own CPU
 * clock rather than the wall clock, so that a machine loaded by other processes does not
 * inflate it: rounds of 5 million requests through an empty chain, without and with the
 * filter, on one thread (no contention), and the cost of one {@link System#nanoTime()} for
 * comparison. A companion to {@link RequestTimingFilterBenchmark} for a shared machine.
 */
public final class RequestTimingFilterCpuTime {

	private static long sink;

	private RequestTimingFilterCpuTime() {
	}

	public static void main(String[] args) throws Exception {
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		RequestTimingFilter filter = new RequestTimingFilter(new RequestTimings(Duration.ofMinutes(1), 100),
				"/actuator");
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/orders/42");
		request.setAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE, "/orders/{id}");
		MockHttpServletResponse response = new MockHttpServletResponse();
		FilterChain chain = (req, res) -> sink++;
		int requests = 5_000_000;
		for (int round = 0; round < 6; round++) {
			long start = threads.getCurrentThreadCpuTime();
			for (int i = 0; i < requests; i++) {
				chain.doFilter(request, response);
			}
			long plain = threads.getCurrentThreadCpuTime();
			for (int i = 0; i < requests; i++) {
				filter.doFilter(request, response, chain);
			}
			long timed = threads.getCurrentThreadCpuTime();
			for (int i = 0; i < requests; i++) {
				sink += System.nanoTime();
			}
			long clock = threads.getCurrentThreadCpuTime();
			System.out.printf("round %d: plain %.1f ns, timed %.1f ns, added %.1f ns CPU per request;"
					+ " one System.nanoTime() %.1f ns%n", round, (plain - start) / (double) requests,
					(timed - plain) / (double) requests, ((timed - plain) - (plain - start)) / (double) requests,
					(clock - timed) / (double) requests);
		}
		System.out.println((sink != 0) ? "done" : "");
	}

}
