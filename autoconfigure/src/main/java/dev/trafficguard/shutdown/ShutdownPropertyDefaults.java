package dev.trafficguard.shutdown;

import java.util.Map;

import dev.trafficguard.properties.PropertyCheck;
import dev.trafficguard.properties.PropertyDefaults;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Makes the web server's shutdown graceful and lets {@code traffic-guard.shutdown.timeout}
 * set Spring's timeout per shutdown phase. A value the user sets for
 * {@code server.shutdown} ({@code immediate}) or
 * {@code spring.lifecycle.timeout-per-shutdown-phase} wins.
 */
public final class ShutdownPropertyDefaults implements PropertyDefaults {

	@Override
	public String feature() {
		return "shutdown";
	}

	@Override
	public void contribute(Environment environment, Map<String, Object> defaults) {
		defaults.put("server.shutdown", "graceful");
		// Copied as written: an invalid value fails startup in ShutdownProperties, naming the
		// property the user set rather than Spring's.
		String timeout = Binder.get(environment)
			.bind("traffic-guard.shutdown.timeout", String.class)
			.orElse(PropertyCheck.format(ShutdownProperties.DEFAULT_TIMEOUT));
		defaults.put("spring.lifecycle.timeout-per-shutdown-phase", timeout);
	}

}
