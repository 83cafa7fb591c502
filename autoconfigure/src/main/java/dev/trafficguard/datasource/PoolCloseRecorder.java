package dev.trafficguard.datasource;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.trafficguard.lifecycle.ShutdownTimeline;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.config.DestructionAwareBeanPostProcessor;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;

/**
 * Records in the {@link ShutdownTimeline} when Spring closes a {@link HikariDataSource} bean
 * as it destroys it ({@code datasource dataSource closed}, with the connections still in use
 * that HikariCP then aborted), so the timeline shows that the pools closed after every bean
 * that used them. Traffic Guard does not close the pools itself: Spring does, through the
 * bean's destroy method, after every bean that depends on the pool.
 * <p>
 * For each singleton pool bean it registers a {@link DisposableBean} that the pool bean
 * depends on, so Spring destroys it right after the pool; it finds the pool closed and
 * records that. A pool that Spring does not close (its destroy method switched off) is not
 * recorded.
 */
final class PoolCloseRecorder implements DestructionAwareBeanPostProcessor, BeanFactoryAware {

	private static final String SUFFIX = ".trafficGuardPoolClosed";

	private final ObjectProvider<ShutdownTimeline> timeline;

	private final Map<String, Closing> closings = new ConcurrentHashMap<>();

	private @Nullable DefaultSingletonBeanRegistry registry;

	PoolCloseRecorder(ObjectProvider<ShutdownTimeline> timeline) {
		this.timeline = timeline;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
		this.registry = (beanFactory instanceof DefaultSingletonBeanRegistry singletons) ? singletons : null;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		DefaultSingletonBeanRegistry registry = this.registry;
		if (bean instanceof HikariDataSource pool && registry != null && !this.closings.containsKey(beanName)
				&& isSingletonBean(beanName)) {
			Closing closing = new Closing(beanName, pool);
			this.closings.put(beanName, closing);
			String recorderName = beanName + SUFFIX;
			registry.registerDisposableBean(recorderName, closing);
			// The pool depends on the recorder: Spring destroys the pool first, then the recorder
			registry.registerDependentBean(recorderName, beanName);
		}
		return bean;
	}

	private boolean isSingletonBean(String beanName) {
		// Not an inner bean or an object merely initialized by the factory
		return this.registry instanceof ConfigurableListableBeanFactory beanFactory
				&& beanFactory.containsBeanDefinition(beanName) && beanFactory.isSingleton(beanName);
	}

	@Override
	public boolean requiresDestruction(Object bean) {
		return bean instanceof HikariDataSource;
	}

	@Override
	public void postProcessBeforeDestruction(Object bean, String beanName) throws BeansException {
		Closing closing = this.closings.get(beanName);
		if (closing != null && closing.pool == bean) {
			closing.beforeClose();
		}
	}

	/**
	 * Destroyed right after its pool: records the close.
	 */
	private final class Closing implements DisposableBean {

		private final String name;

		private final HikariDataSource pool;

		private volatile int activeAtClose = -1;

		Closing(String name, HikariDataSource pool) {
			this.name = name;
			this.pool = pool;
		}

		void beforeClose() {
			HikariPoolMXBean state = this.pool.getHikariPoolMXBean();
			this.activeAtClose = (state != null && !this.pool.isClosed()) ? state.getActiveConnections() : 0;
		}

		@Override
		public void destroy() {
			if (!this.pool.isClosed() || this.activeAtClose < 0) {
				// Spring did not close this pool as it destroyed the bean
				return;
			}
			ShutdownTimeline timeline;
			try {
				timeline = PoolCloseRecorder.this.timeline.getIfAvailable();
			}
			catch (BeansException ex) {
				// Already gone with the rest of the context: nothing to record in
				return;
			}
			if (timeline != null) {
				Map<String, Object> counts = new LinkedHashMap<>();
				counts.put("active-at-close", this.activeAtClose);
				timeline.record("datasource " + this.name, "closed", counts);
			}
		}

	}

}
