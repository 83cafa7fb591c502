package dev.trafficguard.executor;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.env.Environment;
import org.springframework.core.task.TaskDecorator;
import org.springframework.core.task.support.CompositeTaskDecorator;

/**
 * Creates the bounded executors from their properties, with the application's
 * {@link TaskDecorator} beans (such as Boot's context propagation) applied, as Spring Boot
 * applies them to its own executor.
 */
final class BoundedExecutorFactory {

	private final ExecutorProperties properties;

	private final ExecutorSettingsResolver resolver;

	private final ObjectProvider<TaskDecorator> taskDecorators;

	BoundedExecutorFactory(ExecutorProperties properties, Environment environment,
			ObjectProvider<TaskDecorator> taskDecorators) {
		this.properties = properties;
		this.resolver = new ExecutorSettingsResolver(environment);
		this.taskDecorators = taskDecorators;
	}

	BoundedExecutor application() {
		return new BoundedExecutor(ExecutorSettingsResolver.APPLICATION_TASK_EXECUTOR,
				this.resolver.application(this.properties).settings(), taskDecorator());
	}

	BoundedExecutor pool(String name) {
		PoolProperties pool = this.properties.getPools().get(name);
		if (pool == null) {
			throw new IllegalStateException("No properties for executor pool '" + name + "'");
		}
		return new BoundedExecutor(name, this.resolver.pool(name, pool).settings(), taskDecorator());
	}

	private @Nullable TaskDecorator taskDecorator() {
		List<TaskDecorator> decorators = this.taskDecorators.orderedStream().toList();
		if (decorators.size() == 1) {
			return decorators.get(0);
		}
		return decorators.isEmpty() ? null : new CompositeTaskDecorator(decorators);
	}

}
