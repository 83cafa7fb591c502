package dev.trafficguard.executor;

import java.util.concurrent.Executor;

import dev.trafficguard.actuate.TrafficGuardContributor;
import dev.trafficguard.lifecycle.ShutdownTimeline;
import dev.trafficguard.properties.SettingSources;
import dev.trafficguard.properties.TrafficGuardAutoConfiguration;
import dev.trafficguard.web.ProblemMapper;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.core.task.TaskDecorator;
import org.springframework.http.HttpStatus;
import org.springframework.scheduling.annotation.AsyncConfigurer;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for bounded executors. The
 * {@code applicationTaskExecutor} (used by {@code @Async}, Spring MVC's async requests and
 * {@code TaskExecutor} injection) becomes a {@link BoundedExecutor}, and each
 * {@code traffic-guard.executor.pools.<name>} a bulkhead of its own. Runs before Spring
 * Boot's {@link TaskExecutionAutoConfiguration}, which then backs off; an {@link Executor}
 * bean of the application's makes this back off in turn, as it makes Boot's.
 */
@AutoConfiguration(before = TaskExecutionAutoConfiguration.class, after = TrafficGuardAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = { "traffic-guard.enabled", "traffic-guard.executor.enabled" },
		matchIfMissing = true)
@EnableConfigurationProperties(ExecutorProperties.class)
@Import(BulkheadRegistrar.class)
public final class ExecutorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	BoundedExecutorFactory trafficGuardExecutorFactory(ExecutorProperties properties, Environment environment,
			ObjectProvider<TaskDecorator> taskDecorators) {
		return new BoundedExecutorFactory(properties, environment, taskDecorators);
	}

	@Bean
	@ConditionalOnMissingBean
	ExecutorDrain trafficGuardExecutorDrain(ObjectProvider<BoundedExecutor> executors, ShutdownTimeline timeline) {
		return new ExecutorDrain(executors, timeline);
	}

	@Bean
	TrafficGuardContributor trafficGuardExecutorContributor(ObjectProvider<BoundedExecutor> executors,
			ExecutorProperties properties, Environment environment, SettingSources settingSources) {
		return new ExecutorContributor(executors, properties, environment, settingSources);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(value = Executor.class, ignored = BoundedExecutor.class)
	// With mode=force Boot registers its applicationTaskExecutor whatever other beans exist.
	@ConditionalOnProperty(name = "spring.task.execution.mode", havingValue = "auto", matchIfMissing = true)
	static class ApplicationTaskExecutorConfiguration {

		@Bean(TaskExecutionAutoConfiguration.APPLICATION_TASK_EXECUTOR_BEAN_NAME)
		@ConditionalOnMissingBean(name = TaskExecutionAutoConfiguration.APPLICATION_TASK_EXECUTOR_BEAN_NAME)
		BoundedExecutor applicationTaskExecutor(BoundedExecutorFactory factory) {
			return factory.application();
		}

		// Boot's own AsyncConfigurer backs off with its executor: @Async must still use
		// the applicationTaskExecutor when bulkheads make TaskExecutor beans ambiguous.
		@Bean
		@ConditionalOnMissingBean(AsyncConfigurer.class)
		AsyncConfigurer trafficGuardAsyncConfigurer(BeanFactory beanFactory) {
			return new AsyncConfigurer() {

				@Override
				public Executor getAsyncExecutor() {
					return beanFactory.getBean(TaskExecutionAutoConfiguration.APPLICATION_TASK_EXECUTOR_BEAN_NAME,
							Executor.class);
				}

			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HttpStatus.class)
	static class ExecutorProblemConfiguration {

		@Bean
		ProblemMapper trafficGuardExecutorProblemMapper() {
			return new ExecutorProblemMapper();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class ExecutorMetricsConfiguration {

		@Bean
		BoundedExecutorMetrics trafficGuardExecutorMetrics(ObjectProvider<BoundedExecutor> executors) {
			return new BoundedExecutorMetrics(executors);
		}

	}

}
