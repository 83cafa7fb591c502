package dev.trafficguard.breaker;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.hc.core5.http.HttpHost;
import org.jspecify.annotations.Nullable;

/**
 * The circuit breakers of the downstream hosts, taken from resilience4j's
 * {@link CircuitBreakerRegistry} on first use, so a host gets the registry's default
 * configuration or its own {@code resilience4j.circuitbreaker.instances.[name].*}. A breaker
 * is named {@code host}, or {@code host:port} for a port other than the scheme's default. At
 * most {@code max-hosts} hosts get a breaker; calls to further hosts pass without one and
 * are counted.
 */
public final class HostCircuitBreakers {

	private static final Log logger = LogFactory.getLog(HostCircuitBreakers.class);

	private final CircuitBreakerRegistry registry;

	private final int maxHosts;

	private final Map<HttpHost, CircuitBreaker> byHost = new ConcurrentHashMap<>();

	private final LongAdder untrackedCalls = new LongAdder();

	private volatile boolean warned;

	/**
	 * Create the breakers.
	 * @param registry resilience4j's registry
	 * @param maxHosts the most hosts that get a breaker
	 */
	public HostCircuitBreakers(CircuitBreakerRegistry registry, int maxHosts) {
		this.registry = registry;
		this.maxHosts = maxHosts;
	}

	/**
	 * The breaker of a downstream host, created on first use.
	 * @param host the host
	 * @return its breaker, or {@code null} if {@code max-hosts} hosts already have one
	 */
	public @Nullable CircuitBreaker forHost(HttpHost host) {
		CircuitBreaker breaker = this.byHost.get(host);
		if (breaker != null) {
			return breaker;
		}
		if (this.byHost.size() >= this.maxHosts) {
			untracked(host);
			return null;
		}
		return create(host);
	}

	private synchronized @Nullable CircuitBreaker create(HttpHost host) {
		CircuitBreaker breaker = this.byHost.get(host);
		if (breaker == null) {
			if (this.byHost.size() >= this.maxHosts) {
				untracked(host);
				return null;
			}
			breaker = this.registry.circuitBreaker(nameOf(host));
			this.byHost.put(host, breaker);
		}
		return breaker;
	}

	private void untracked(HttpHost host) {
		this.untrackedCalls.increment();
		if (!this.warned) {
			this.warned = true;
			logger.warn("Calls to " + nameOf(host) + " and further hosts pass without a circuit breaker: "
					+ this.maxHosts + " hosts already have one (traffic-guard.circuit-breaker.max-hosts)");
		}
	}

	/**
	 * The breakers created so far.
	 * @return the breakers
	 */
	public Collection<CircuitBreaker> all() {
		return this.byHost.values();
	}

	/**
	 * The most hosts that get a breaker.
	 * @return the limit
	 */
	public int getMaxHosts() {
		return this.maxHosts;
	}

	/**
	 * How many calls passed without a breaker because {@code max-hosts} was reached.
	 * @return the count
	 */
	public long getUntrackedCalls() {
		return this.untrackedCalls.sum();
	}

	/**
	 * The breaker name of a host: {@code host}, or {@code host:port} for a port other than
	 * the scheme's default.
	 * @param host the host
	 * @return the name
	 */
	public static String nameOf(HttpHost host) {
		int port = host.getPort();
		boolean defaultPort = port < 0 || ("http".equalsIgnoreCase(host.getSchemeName()) && port == 80)
				|| ("https".equalsIgnoreCase(host.getSchemeName()) && port == 443);
		return defaultPort ? host.getHostName() : host.getHostName() + ":" + port;
	}

}
