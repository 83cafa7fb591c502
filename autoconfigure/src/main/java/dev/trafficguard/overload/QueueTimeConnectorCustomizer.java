package dev.trafficguard.overload;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.catalina.Lifecycle;
import org.apache.catalina.LifecycleEvent;
import org.apache.catalina.connector.Connector;
import org.apache.coyote.AbstractProtocol;

import org.springframework.boot.tomcat.TomcatConnectorCustomizer;

/**
 * Gives a Tomcat connector on platform threads a {@link QueueTimedExecutor}, so that the
 * time a request waited for a worker thread can be read. The executor is created when the
 * connector starts, from the settings every customizer has left on the protocol by then, and
 * shut down when the connector stops. A connector that already has an executor (virtual
 * threads, or one the application set) keeps it.
 */
final class QueueTimeConnectorCustomizer implements TomcatConnectorCustomizer {

	private final boolean enabled;

	private final AtomicBoolean installed;

	/**
	 * Create a customizer.
	 * @param enabled whether to install the executor at all
	 * @param installed set once a connector got the executor
	 */
	QueueTimeConnectorCustomizer(boolean enabled, AtomicBoolean installed) {
		this.enabled = enabled;
		this.installed = installed;
	}

	@Override
	public void customize(Connector connector) {
		if (this.enabled && connector.getProtocolHandler() instanceof AbstractProtocol<?> protocol) {
			connector.addLifecycleListener((event) -> onLifecycleEvent(event, protocol));
		}
	}

	private void onLifecycleEvent(LifecycleEvent event, AbstractProtocol<?> protocol) {
		if (Lifecycle.BEFORE_START_EVENT.equals(event.getType()) && protocol.getExecutor() == null) {
			protocol.setExecutor(QueueTimedExecutor.create(protocol));
			this.installed.set(true);
		}
		else if (Lifecycle.AFTER_STOP_EVENT.equals(event.getType())
				&& protocol.getExecutor() instanceof QueueTimedExecutor executor) {
			executor.shutdown();
			try {
				// Tomcat waits as long for its own executor
				executor.awaitTermination(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			protocol.setExecutor(null);
		}
	}

}
