package dev.trafficguard.lifecycle;

import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextClosedEvent;

/**
 * One step of the shutdown sequence: a {@link SmartLifecycle} in one of the
 * {@link ShutdownPhases} that does its work only when its application context is closing.
 * A context that is merely stopped keeps what the step would tear down (a drained executor
 * or a closed pool cannot be used again, and the context may be started again).
 */
public abstract class ShutdownStep
		implements SmartLifecycle, ApplicationListener<ContextClosedEvent>, ApplicationContextAware {

	private final int phase;

	private volatile @Nullable ApplicationContext applicationContext;

	private volatile boolean running;

	private volatile boolean closing;

	/**
	 * Create a step.
	 * @param phase its phase, one of {@link ShutdownPhases}
	 */
	protected ShutdownStep(int phase) {
		this.phase = phase;
	}

	@Override
	public void setApplicationContext(ApplicationContext applicationContext) {
		this.applicationContext = applicationContext;
	}

	@Override
	public void onApplicationEvent(ContextClosedEvent event) {
		if (event.getApplicationContext() == this.applicationContext) {
			this.closing = true;
		}
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public final void stop() {
		this.running = false;
		if (this.closing) {
			shutdown();
		}
	}

	/**
	 * Mark the step as closing, for a component closed directly rather than by its context.
	 */
	protected final void markClosing() {
		this.closing = true;
	}

	/**
	 * Do the step's work: the context is closing and this step's phase has come.
	 */
	protected abstract void shutdown();

	@Override
	public final boolean isRunning() {
		return this.running;
	}

	@Override
	public final int getPhase() {
		return this.phase;
	}

}
