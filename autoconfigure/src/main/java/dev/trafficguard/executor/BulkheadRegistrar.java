package dev.trafficguard.executor;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

/**
 * Registers a {@link BoundedExecutor} bean for each bulkhead under
 * {@code traffic-guard.executor.pools.<name>}, named {@code trafficGuard<Name>Executor} and
 * qualified with the pool's name, so that {@code @Qualifier("io") BoundedExecutor io}
 * injects the {@code io} bulkhead.
 */
final class BulkheadRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware, BeanFactoryAware {

	private @Nullable Environment environment;

	private @Nullable BeanFactory beanFactory;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		Assert.state(this.environment != null && this.beanFactory != null, "Not initialized");
		BeanFactory beanFactory = this.beanFactory;
		Map<String, Object> pools = Binder.get(this.environment)
			.bind(ExecutorProperties.PREFIX + ".pools", Bindable.mapOf(String.class, Object.class))
			.orElse(Map.of());
		for (String name : pools.keySet()) {
			String beanName = beanName(name);
			if (registry.containsBeanDefinition(beanName)) {
				continue;
			}
			RootBeanDefinition definition = new RootBeanDefinition(BoundedExecutor.class,
					() -> beanFactory.getBean(BoundedExecutorFactory.class).pool(name));
			definition.addQualifier(new AutowireCandidateQualifier(Qualifier.class, name));
			registry.registerBeanDefinition(beanName, definition);
		}
	}

	static String beanName(String pool) {
		StringBuilder name = new StringBuilder("trafficGuard");
		for (String part : pool.split("-")) {
			name.append(StringUtils.capitalize(part));
		}
		return name.append("Executor").toString();
	}

}
