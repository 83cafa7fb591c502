package dev.trafficguard.deadline;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Puts every HikariCP pool under the calling request's {@link Deadline}: getting a connection
 * waits at most the time left (and not at all once it passed), and each statement created on
 * the connection gets a query timeout of the time left, so the database cancels a query the
 * caller no longer waits for (with PostgreSQL's driver to the millisecond, otherwise rounded
 * up to whole seconds, the JDBC unit). A statement's own shorter timeout stays. Outside a
 * request nothing changes.
 * <p>
 * The pool bean is replaced by a class-based proxy, so it is still a
 * {@link HikariDataSource} to everything that looks for one.
 */
final class DeadlineDataSourcePostProcessor implements BeanPostProcessor {

	static final String CONNECTION = "connection";

	static final String QUERY = "query";

	private static final ClassValue<@Nullable Method> MILLISECOND_TIMEOUT = new ClassValue<>() {

		@Override
		protected @Nullable Method computeValue(Class<?> type) {
			try {
				Method method = type.getMethod("setQueryTimeoutMs", long.class);
				return Modifier.isPublic(method.getDeclaringClass().getModifiers()) ? method : null;
			}
			catch (NoSuchMethodException ex) {
				return null;
			}
		}

	};

	private final ObjectProvider<DeadlineCounters> counters;

	DeadlineDataSourcePostProcessor(ObjectProvider<DeadlineCounters> counters) {
		this.counters = counters;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof HikariDataSource && !AopUtils.isAopProxy(bean)) {
			ProxyFactory factory = new ProxyFactory(bean);
			factory.setProxyTargetClass(true);
			factory.addAdvice(new ConnectionInterceptor((HikariDataSource) bean, this.counters));
			return factory.getProxy(bean.getClass().getClassLoader());
		}
		return bean;
	}

	private static long ceilMillis(long nanos) {
		return (nanos + 999_999) / 1_000_000;
	}

	private static final class ConnectionInterceptor implements MethodInterceptor {

		private final HikariDataSource dataSource;

		private final ObjectProvider<DeadlineCounters> counters;

		ConnectionInterceptor(HikariDataSource dataSource, ObjectProvider<DeadlineCounters> counters) {
			this.dataSource = dataSource;
			this.counters = counters;
		}

		@Override
		public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
			if (!invocation.getMethod().getName().equals("getConnection")) {
				return invocation.proceed();
			}
			Deadline deadline = Deadline.current();
			if (deadline == null) {
				return invocation.proceed();
			}
			long remainingNanos = deadline.remainingNanos();
			if (remainingNanos < 1_000_000) {
				this.counters.getObject().refused(CONNECTION);
				throw new DeadlineExceededException(CONNECTION);
			}
			Connection connection = null;
			if (invocation.getArguments().length == 0 && !this.dataSource.isClosed()
					&& this.dataSource.getHikariPoolMXBean() instanceof HikariPool pool) {
				// The pool's own wait, cut to the time left; its timeout exception stays
				long wait = Math.min(this.dataSource.getConnectionTimeout(), ceilMillis(remainingNanos));
				connection = pool.getConnection(wait);
			}
			else {
				connection = (Connection) invocation.proceed();
			}
			return (connection != null) ? wrap(connection, deadline) : null;
		}

		private Connection wrap(Connection connection, Deadline deadline) {
			return (Connection) Proxy.newProxyInstance(DeadlineDataSourcePostProcessor.class.getClassLoader(),
					new Class<?>[] { Connection.class }, new StatementTimeouts(connection, deadline, this.counters));
		}

	}

	private static final class StatementTimeouts implements InvocationHandler {

		private final Connection connection;

		private final Deadline deadline;

		private final ObjectProvider<DeadlineCounters> counters;

		StatementTimeouts(Connection connection, Deadline deadline, ObjectProvider<DeadlineCounters> counters) {
			this.connection = connection;
			this.deadline = deadline;
			this.counters = counters;
		}

		@Override
		public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
			String name = method.getName();
			if (name.equals("equals") && args != null && args.length == 1) {
				return proxy == args[0];
			}
			if (name.equals("hashCode") && (args == null || args.length == 0)) {
				return System.identityHashCode(proxy);
			}
			Object result;
			try {
				result = method.invoke(this.connection, args);
			}
			catch (InvocationTargetException ex) {
				throw ex.getTargetException();
			}
			if (result instanceof Statement statement && (name.equals("createStatement")
					|| name.equals("prepareStatement") || name.equals("prepareCall"))) {
				applyTimeout(statement);
			}
			return result;
		}

		private void applyTimeout(Statement statement) throws SQLException {
			long remainingNanos = this.deadline.remainingNanos();
			if (remainingNanos < 1_000_000) {
				statement.close();
				this.counters.getObject().refused(QUERY);
				throw new DeadlineExceededException(QUERY);
			}
			long millis = ceilMillis(remainingNanos);
			int own = statement.getQueryTimeout();
			if (own > 0 && own * 1000L <= millis) {
				return;
			}
			Statement driverStatement = unwrap(statement);
			Method setter = (driverStatement != null) ? MILLISECOND_TIMEOUT.get(driverStatement.getClass()) : null;
			if (setter != null) {
				try {
					setter.invoke(driverStatement, millis);
					return;
				}
				catch (ReflectiveOperationException ex) {
					// Fall back to whole seconds below
				}
			}
			statement.setQueryTimeout((int) Math.min(Integer.MAX_VALUE, (millis + 999) / 1000));
		}

		private static @Nullable Statement unwrap(Statement statement) {
			try {
				return statement.unwrap(Statement.class);
			}
			catch (SQLException ex) {
				return null;
			}
		}

	}

}
