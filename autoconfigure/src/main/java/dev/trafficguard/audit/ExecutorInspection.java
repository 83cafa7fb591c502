package dev.trafficguard.audit;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.aop.Advisor;
import org.springframework.aop.framework.AbstractAdvisingBeanPostProcessor;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.interceptor.AsyncExecutionAspectSupport;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.annotation.BeanFactoryAnnotationUtils;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.concurrent.ConcurrentTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.scheduling.config.TaskManagementConfigUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringUtils;

/**
 * Finds the application's executors without a bound: {@code executor.unbounded-queue},
 * {@code executor.unbounded-threads}, and {@code executor.async-unbounded} for
 * {@code @Async} methods that run on one of them (Spring's fallback for {@code @Async}
 * without any executor, a {@code SimpleAsyncTaskExecutor}, included). Traffic Guard's own
 * bounded executors are bounded by construction and never match. Schedulers' delay queues
 * are unbounded by design and hold what the application schedules, not what traffic
 * brings, so they are left alone.
 */
final class ExecutorInspection implements Inspection {

	private static final String TRAFFIC_GUARD_EXECUTORS = "dev.trafficguard.executor.";

	@Override
	public String name() {
		return "executors";
	}

	@Override
	public void inspect(AuditScope scope) {
		scope.eachBean(Executor.class, (name, executor) -> {
			Unbounded unbounded = classify(executor);
			if (unbounded != null) {
				scope.report(unbounded.type().at(AuditScope.bean(name), unbounded.detail()));
			}
		});
		inspectAsync(scope);
	}

	/**
	 * What an executor has no bound on.
	 * @param executor the executor
	 * @return what is unbounded, or {@code null} if it is bounded or cannot be told
	 */
	static @Nullable Unbounded classify(Object executor) {
		if (executor.getClass().getName().startsWith(TRAFFIC_GUARD_EXECUTORS)
				|| executor instanceof ThreadPoolTaskScheduler || executor instanceof ScheduledThreadPoolExecutor) {
			return null;
		}
		if (executor instanceof ThreadPoolTaskExecutor pool) {
			if (pool.getQueueCapacity() == Integer.MAX_VALUE) {
				return new Unbounded(FindingType.EXECUTOR_UNBOUNDED_QUEUE,
						"a ThreadPoolTaskExecutor with queue capacity Integer.MAX_VALUE (its default)");
			}
			if (pool.getMaxPoolSize() == Integer.MAX_VALUE) {
				return new Unbounded(FindingType.EXECUTOR_UNBOUNDED_THREADS,
						"a ThreadPoolTaskExecutor with max pool size Integer.MAX_VALUE (its default)");
			}
			return null;
		}
		if (executor instanceof ThreadPoolExecutor pool) {
			BlockingQueue<Runnable> queue = pool.getQueue();
			if ((long) queue.size() + queue.remainingCapacity() >= Integer.MAX_VALUE) {
				return new Unbounded(FindingType.EXECUTOR_UNBOUNDED_QUEUE,
						"a ThreadPoolExecutor over an unbounded " + queue.getClass().getSimpleName()
								+ " (as Executors.newFixedThreadPool makes)");
			}
			if (pool.getMaximumPoolSize() == Integer.MAX_VALUE) {
				return new Unbounded(FindingType.EXECUTOR_UNBOUNDED_THREADS,
						"a ThreadPoolExecutor with maximumPoolSize Integer.MAX_VALUE (a cached thread pool)");
			}
			return null;
		}
		if (executor instanceof SimpleAsyncTaskExecutor simple) {
			return simple.isThrottleActive() ? null : new Unbounded(FindingType.EXECUTOR_UNBOUNDED_THREADS,
					"a " + executor.getClass().getSimpleName() + " with no concurrency limit (a new thread per task)");
		}
		if (executor instanceof ConcurrentTaskExecutor adapter) {
			return classify(adapter.getConcurrentExecutor());
		}
		if ("java.util.concurrent.ThreadPerTaskExecutor".equals(executor.getClass().getName())) {
			return new Unbounded(FindingType.EXECUTOR_UNBOUNDED_THREADS,
					"a thread-per-task executor (Executors.newVirtualThreadPerTaskExecutor) with no limit");
		}
		return null;
	}

	/**
	 * Only beans Spring has advised for {@code @Async} are looked into: those whose proxy
	 * carries the advisor of Spring's {@code @Async} post-processor.
	 */
	private void inspectAsync(AuditScope scope) {
		ConfigurableListableBeanFactory beanFactory = scope.beanFactory();
		if (!beanFactory.containsBean(TaskManagementConfigUtils.ASYNC_ANNOTATION_PROCESSOR_BEAN_NAME)) {
			return;
		}
		AsyncSupport async = new AsyncSupport(beanFactory);
		Advisor advisor = async.advisor();
		if (advisor == null) {
			return;
		}
		scope.eachBean(Advised.class, (name, advised) -> {
			if (Arrays.asList(advised.getAdvisors()).contains(advisor)) {
				inspectAsyncMethods(scope, name, AopUtils.getTargetClass(advised), async);
			}
		});
	}

	private void inspectAsyncMethods(AuditScope scope, String name, Class<?> type, AsyncSupport async) {
		Map<String, Set<String>> methodsByQualifier = new LinkedHashMap<>();
		Async onType = AnnotatedElementUtils.findMergedAnnotation(type, Async.class);
		for (Method method : ReflectionUtils.getUniqueDeclaredMethods(type, ReflectionUtils.USER_DECLARED_METHODS)) {
			Async onMethod = AnnotatedElementUtils.findMergedAnnotation(method, Async.class);
			if (onMethod == null && onType == null) {
				continue;
			}
			String qualifier = (onMethod != null && StringUtils.hasText(onMethod.value())) ? onMethod.value()
					: (onType != null) ? onType.value() : "";
			if (onMethod != null || Modifier.isPublic(method.getModifiers())) {
				methodsByQualifier.computeIfAbsent(qualifier, (key) -> new LinkedHashSet<>()).add(method.getName());
			}
		}
		methodsByQualifier.forEach((qualifier, methods) -> {
			String resolved = StringUtils.hasText(qualifier) ? scope.beanFactory().resolveEmbeddedValue(qualifier)
					: null;
			Executor executor;
			String executorName;
			if (StringUtils.hasText(resolved)) {
				executor = BeanFactoryAnnotationUtils.qualifiedBeanOfType(scope.beanFactory(), Executor.class,
						resolved);
				executorName = "executor '" + resolved + "'";
			}
			else {
				executor = async.defaultExecutor();
				executorName = "the default @Async executor";
			}
			if (executor == null) {
				return;
			}
			Unbounded unbounded = classify(executor);
			if (unbounded != null) {
				scope.report(FindingType.ASYNC_UNBOUNDED.at(AuditScope.bean(name),
						"@Async " + String.join(", ", methods) + " run on " + executorName + ", "
								+ unbounded.detail()));
			}
		});
	}

	/**
	 * What an executor has no bound on.
	 *
	 * @param type the finding for the executor itself
	 * @param detail what the executor is, for the finding
	 */
	record Unbounded(FindingType type, String detail) {

	}

	/**
	 * What Spring's {@code @Async} support is made of: the advisor its post-processor adds
	 * to {@code @Async} beans, and the executor it runs {@code @Async} methods without a
	 * qualifier on (the one from the {@code AsyncConfigurer}, the one {@code TaskExecutor}
	 * bean, the bean named {@code taskExecutor}, or its fallback, a
	 * {@code SimpleAsyncTaskExecutor}). Both are read from Spring's own objects, so that the
	 * executor is exactly the one Spring uses; neither is exposed, so they are read from
	 * their fields.
	 */
	private static final class AsyncSupport {

		private final ConfigurableListableBeanFactory beanFactory;

		private @Nullable Advisor advisor;

		private boolean resolved;

		AsyncSupport(ConfigurableListableBeanFactory beanFactory) {
			this.beanFactory = beanFactory;
		}

		@Nullable Advisor advisor() {
			if (!this.resolved) {
				this.resolved = true;
				Object processor = this.beanFactory
					.getBean(TaskManagementConfigUtils.ASYNC_ANNOTATION_PROCESSOR_BEAN_NAME);
				if (processor instanceof AbstractAdvisingBeanPostProcessor) {
					Object found = read(AbstractAdvisingBeanPostProcessor.class, "advisor", processor);
					this.advisor = (found instanceof Advisor advisor) ? advisor : null;
				}
			}
			return this.advisor;
		}

		@Nullable Executor defaultExecutor() {
			Advisor advisor = advisor();
			if (advisor == null || !(advisor.getAdvice() instanceof AsyncExecutionAspectSupport interceptor)) {
				return null;
			}
			// Resolved once and kept by Spring; resolving it here is what Spring does at the
			// first @Async call
			Object supplier = read(AsyncExecutionAspectSupport.class, "defaultExecutor", interceptor);
			return (supplier instanceof Supplier<?> executor && executor.get() instanceof Executor found) ? found
					: null;
		}

		private static @Nullable Object read(Class<?> type, String name, Object target) {
			Field field = ReflectionUtils.findField(type, name);
			if (field == null) {
				throw new IllegalStateException("No field '" + name + "' in " + type.getName());
			}
			ReflectionUtils.makeAccessible(field);
			return ReflectionUtils.getField(field, target);
		}

	}

}
