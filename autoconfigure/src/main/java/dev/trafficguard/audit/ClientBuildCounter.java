package dev.trafficguard.audit;

import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.autoconfigure.ClientHttpRequestFactoryBuilderCustomizer;
import org.springframework.core.Ordered;
import org.springframework.http.client.ClientHttpRequestFactory;

/**
 * Sees every HTTP client (request factory) Spring Boot's builders build: those of each
 * {@code RestClient.Builder} bean, each {@code RestTemplateBuilder.build()} and each HTTP
 * service group. Until the audit has run it remembers them, weakly, so that the audit can
 * tell a client Boot built (on the shared pool) from one the application made itself. After
 * that it only counts them: an application that builds clients while it serves requests
 * passes {@code traffic-guard.audit.client-build-threshold} soon, and the audit reports
 * {@code http-client.built-per-request} once. Counting is one atomic increment per build,
 * which is itself the cost being reported.
 */
final class ClientBuildCounter
		implements ClientHttpRequestFactoryBuilderCustomizer<ClientHttpRequestFactoryBuilder<?>>, Ordered {

	private final int threshold;

	private final Set<ClientHttpRequestFactory> builtAtStartup = Collections
		.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

	private final AtomicLong builtSinceStartup = new AtomicLong();

	private volatile @Nullable Consumer<Finding> reporter;

	ClientBuildCounter(int threshold) {
		this.threshold = threshold;
	}

	/**
	 * Runs after every other customizer, so that it sees the client as built.
	 * @return the order
	 */
	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public ClientHttpRequestFactoryBuilder<?> customize(ClientHttpRequestFactoryBuilder<?> builder) {
		return counting(builder);
	}

	private <T extends ClientHttpRequestFactory> ClientHttpRequestFactoryBuilder<T> counting(
			ClientHttpRequestFactoryBuilder<T> builder) {
		return builder.withCustomizer(this::built);
	}

	private void built(ClientHttpRequestFactory factory) {
		Consumer<Finding> reporter = this.reporter;
		if (reporter == null) {
			this.builtAtStartup.add(factory);
			return;
		}
		long built = this.builtSinceStartup.incrementAndGet();
		if (built == this.threshold) {
			reporter.accept(FindingType.HTTP_CLIENT_BUILT_PER_REQUEST.at("HTTP clients built by Spring Boot's builders",
					built + " built since startup (traffic-guard.audit.client-build-threshold=" + this.threshold
							+ ")"));
		}
	}

	/**
	 * Whether Spring Boot's builders built a request factory before the audit ran.
	 * @param factory the request factory
	 * @return whether Boot built it
	 */
	boolean builtByBoot(ClientHttpRequestFactory factory) {
		return this.builtAtStartup.contains(factory);
	}

	/**
	 * The request factories Spring Boot's builders built before the audit ran and that are
	 * still in use.
	 * @return the factories
	 */
	Set<ClientHttpRequestFactory> builtAtStartup() {
		synchronized (this.builtAtStartup) {
			return Set.copyOf(this.builtAtStartup);
		}
	}

	/**
	 * Stop remembering clients and start counting them.
	 * @param reporter what to tell when the threshold is passed
	 */
	void startCounting(Consumer<Finding> reporter) {
		this.reporter = reporter;
		this.builtAtStartup.clear();
	}

	/**
	 * The number of HTTP clients Boot's builders built since the audit ran.
	 * @return the number
	 */
	long builtSinceStartup() {
		return this.builtSinceStartup.get();
	}

	int threshold() {
		return this.threshold;
	}

}
