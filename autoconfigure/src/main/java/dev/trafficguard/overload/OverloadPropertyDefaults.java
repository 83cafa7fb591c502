package dev.trafficguard.overload;

import java.util.Map;

import dev.trafficguard.properties.PropertyDefaults;

import org.springframework.core.env.Environment;

/**
 * Bounds Tomcat's request path: a finite queue for worker threads, a finite accept backlog
 * and connection count, and timeouts that free a connection from a client that sends
 * nothing. Each value the user sets wins. The reasons for each value are in the README.
 */
public final class OverloadPropertyDefaults implements PropertyDefaults {

	static final String MAX_QUEUE_CAPACITY = "server.tomcat.threads.max-queue-capacity";

	static final String ACCEPT_COUNT = "server.tomcat.accept-count";

	static final String MAX_CONNECTIONS = "server.tomcat.max-connections";

	static final String CONNECTION_TIMEOUT = "server.tomcat.connection-timeout";

	static final String KEEP_ALIVE_TIMEOUT = "server.tomcat.keep-alive-timeout";

	@Override
	public String feature() {
		return "overload";
	}

	@Override
	public void contribute(Environment environment, Map<String, Object> defaults) {
		// Boot's is Integer.MAX_VALUE: under overload every request waits, and waits longer.
		defaults.put(MAX_QUEUE_CAPACITY, "1000");
		// Boot's own values, made visible: see the README for why they stay
		defaults.put(ACCEPT_COUNT, "100");
		defaults.put(MAX_CONNECTIONS, "8192");
		defaults.put(CONNECTION_TIMEOUT, "10s");
		defaults.put(KEEP_ALIVE_TIMEOUT, "65s");
	}

}
