package dev.trafficguard.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * What one run of the audit inspects (the application's beans and environment) and the
 * findings it collects. A bean whose inspection throws is reported as an
 * {@code audit.inspection-failed} finding of its own, and the audit goes on.
 */
final class AuditScope {

	private final ConfigurableListableBeanFactory beanFactory;

	private final Environment environment;

	private final Binder binder;

	private final List<Finding> findings = new ArrayList<>();

	AuditScope(ConfigurableListableBeanFactory beanFactory, Environment environment) {
		this.beanFactory = beanFactory;
		this.environment = environment;
		this.binder = Binder.get(environment);
	}

	ConfigurableListableBeanFactory beanFactory() {
		return this.beanFactory;
	}

	Environment environment() {
		return this.environment;
	}

	Binder binder() {
		return this.binder;
	}

	/**
	 * Whether a class is on the application's class path.
	 * @param className the class's name
	 * @return whether it is present
	 */
	boolean isPresent(String className) {
		return ClassUtils.isPresent(className, this.beanFactory.getBeanClassLoader());
	}

	void report(Finding finding) {
		this.findings.add(finding);
	}

	List<Finding> findings() {
		return this.findings;
	}

	/**
	 * Inspect every singleton bean of a type that exists already. A lazy bean is not
	 * created for the audit.
	 * @param <T> the type
	 * @param type the type
	 * @param inspector what inspects one bean, given its name and the bean
	 */
	<T> void eachBean(Class<T> type, BiConsumer<String, T> inspector) {
		for (String name : this.beanFactory.getBeanNamesForType(type, false, false)) {
			if (!this.beanFactory.containsSingleton(name) || isLazy(name)) {
				continue;
			}
			try {
				Object bean = this.beanFactory.getBean(name);
				if (type.isInstance(bean)) {
					inspector.accept(name, type.cast(bean));
				}
			}
			catch (RuntimeException | LinkageError ex) {
				report(FindingType.INSPECTION_FAILED.at(bean(name), "inspecting it threw " + describe(ex)));
			}
		}
	}

	private boolean isLazy(String name) {
		// A factory bean exists, but what it makes may not yet
		return this.beanFactory.containsBeanDefinition(name) && this.beanFactory.getBeanDefinition(name).isLazyInit();
	}

	/**
	 * How a bean is named in a finding.
	 * @param name the bean's name
	 * @return the subject
	 */
	static String bean(String name) {
		return "bean '" + name + "'";
	}

	/**
	 * An exception in one line, for a finding: no stack trace.
	 * @param ex the exception
	 * @return its type and message
	 */
	static String describe(Throwable ex) {
		String message = ex.getMessage();
		String line = ex.getClass().getName() + ((message != null) ? ": " + message : "");
		return line.replaceAll("\\s+", " ");
	}

	/**
	 * Read a property as a type, {@code null} if it is not set or does not convert (its
	 * owner reports that).
	 */
	<T> @Nullable T property(String name, Class<T> type) {
		try {
			return this.binder.bind(name, type).orElse(null);
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

}
