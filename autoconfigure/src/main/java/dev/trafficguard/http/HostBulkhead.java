package dev.trafficguard.http;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;

/**
 * Apache HttpClient 5 interceptor, just after the protocol stage of the execution chain of
 * every client on the shared pool, that lets at most {@code max-calls-per-host} calls be in
 * flight to one downstream host. A call beyond it is refused at once with a
 * {@link BulkheadFullException}, without waiting for a pooled connection and without
 * touching the network, so a host that accepts connections and never answers holds at most
 * that many of the caller's threads. Refusals are counted.
 * <p>
 * Each attempt (each redirect hop for its own host, each retry) holds a place until the
 * response head has arrived or the attempt has failed; reading the body is not counted. It
 * sits inside the host's circuit breaker, so an open breaker answers first, and a refusal
 * is not counted by the breaker. Only hosts with calls in flight are tracked, so the memory used is bounded by
 * the calls in flight.
 */
final class HostBulkhead implements ExecChainHandler {

	static final String NAME = "traffic-guard-host-bulkhead";

	private static final int RETIRED = -1;

	private final int maxCallsPerHost;

	private final Map<HttpHost, AtomicInteger> inFlight = new ConcurrentHashMap<>();

	private final LongAdder rejected = new LongAdder();

	HostBulkhead(int maxCallsPerHost) {
		this.maxCallsPerHost = maxCallsPerHost;
	}

	@Override
	public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
			throws IOException, HttpException {
		HttpHost host = scope.route.getTargetHost();
		AtomicInteger calls = acquire(host);
		try {
			return chain.proceed(request, scope);
		}
		finally {
			release(host, calls);
		}
	}

	private AtomicInteger acquire(HttpHost host) throws BulkheadFullException {
		while (true) {
			AtomicInteger calls = this.inFlight.get(host);
			if (calls == null) {
				calls = this.inFlight.computeIfAbsent(host, HostBulkhead::newCounter);
			}
			int current = calls.get();
			while (current >= 0) {
				if (current >= this.maxCallsPerHost) {
					this.rejected.increment();
					throw new BulkheadFullException(host, this.maxCallsPerHost);
				}
				if (calls.compareAndSet(current, current + 1)) {
					return calls;
				}
				current = calls.get();
			}
			// Retired by the last call that left it: help take it out (rather than spin until
			// that call's thread does), then take the host's new counter.
			this.inFlight.remove(host, calls);
		}
	}

	private void release(HttpHost host, AtomicInteger calls) {
		if (calls.decrementAndGet() == 0 && calls.compareAndSet(0, RETIRED)) {
			this.inFlight.remove(host, calls);
		}
	}

	private static AtomicInteger newCounter(HttpHost host) {
		return new AtomicInteger();
	}

	int getMaxCallsPerHost() {
		return this.maxCallsPerHost;
	}

	/**
	 * Calls refused because their host had {@code max-calls-per-host} calls in flight.
	 * @return the count since start
	 */
	long getRejected() {
		return this.rejected.sum();
	}

	/**
	 * Calls in flight, across every host.
	 * @return the count
	 */
	int getCallsInFlight() {
		int total = 0;
		for (AtomicInteger calls : this.inFlight.values()) {
			total += Math.max(0, calls.get());
		}
		return total;
	}

	/**
	 * Calls in flight per host, for at most the given number of hosts.
	 * @param maxHosts the most hosts to list
	 * @return the calls in flight by host URI
	 */
	Map<String, Integer> callsInFlightByHost(int maxHosts) {
		Map<String, Integer> hosts = new LinkedHashMap<>();
		for (Map.Entry<HttpHost, AtomicInteger> entry : this.inFlight.entrySet()) {
			if (hosts.size() >= maxHosts) {
				break;
			}
			int calls = entry.getValue().get();
			if (calls > 0) {
				hosts.put(entry.getKey().toURI(), calls);
			}
		}
		return hosts;
	}

}
