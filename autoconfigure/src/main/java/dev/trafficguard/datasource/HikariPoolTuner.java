package dev.trafficguard.datasource;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.zaxxer.hikari.HikariDataSource;
import dev.trafficguard.properties.SettingSource;
import dev.trafficguard.properties.SettingSources;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.ConfigurationPropertiesBean;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * {@link BeanPostProcessor} that gives every {@link HikariDataSource} bean Traffic Guard's
 * tuning, the one Spring Boot auto-configures and those the application builds itself
 * (with {@code DataSourceBuilder} or {@code new HikariDataSource()}), and records where each
 * setting came from.
 * <p>
 * It customizes, it never replaces: it runs after {@code @ConfigurationProperties} binding
 * and fills in only the settings nobody chose. A setting counts as chosen when it is set
 * under the pool's {@code @ConfigurationProperties} prefix (under any relaxed name) or when
 * its value differs from HikariCP's default. Spring Boot's own pool gets its tuning through
 * the {@code spring.datasource.hikari.*} defaults that {@link DataSourcePropertyDefaults}
 * contributes, so this post-processor only records the sources for it.
 * <p>
 * Spring Boot 4.1 has no customizer callback for the pools it or {@code DataSourceBuilder}
 * creates, which is why this is a post-processor.
 */
public final class HikariPoolTuner implements BeanPostProcessor, ApplicationContextAware, Ordered {

	private final Environment environment;

	private final SettingSources settingSources;

	private final Map<String, PoolTuning> tunings = new ConcurrentHashMap<>();

	private @Nullable ApplicationContext applicationContext;

	/**
	 * Create a tuner.
	 * @param environment the environment to read the pools' properties from
	 */
	public HikariPoolTuner(Environment environment) {
		this.environment = environment;
		this.settingSources = new SettingSources(environment);
	}

	@Override
	public void setApplicationContext(ApplicationContext applicationContext) throws BeansException {
		this.applicationContext = applicationContext;
	}

	/**
	 * Runs after every other post-processor, {@code @ConfigurationProperties} binding
	 * included, so it sees the values the application chose.
	 */
	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) throws BeansException {
		if (bean instanceof HikariDataSource pool) {
			this.tunings.put(beanName, tune(pool, prefixOf(bean, beanName)));
		}
		return bean;
	}

	/**
	 * How a pool bean was tuned.
	 * @param beanName the bean's name
	 * @return the tuning, or {@code null} if this post-processor did not see the bean
	 */
	@Nullable PoolTuning tuningOf(String beanName) {
		return this.tunings.get(beanName);
	}

	PoolTuning tune(HikariDataSource pool, @Nullable String prefix) {
		Map<HikariSetting, SettingSource> sources = new EnumMap<>(HikariSetting.class);
		if (pool.isRunning()) {
			// Its configuration is sealed: report what it runs with, change nothing.
			for (HikariSetting setting : HikariSetting.values()) {
				sources.put(setting, sourceOf(setting, pool, prefix));
			}
			return new PoolTuning(prefix, false, sources);
		}
		int maximumPoolSize = defaultMaximumPoolSize();
		// In declaration order: the maximum is settled before the minimum idle follows it.
		for (HikariSetting setting : HikariSetting.values()) {
			SettingSource source = sourceOf(setting, pool, prefix);
			boolean idleTimeoutWithoutEffect = setting == HikariSetting.IDLE_TIMEOUT && isFixedSize(pool);
			if (source == SettingSource.LIBRARY_DEFAULT && !idleTimeoutWithoutEffect) {
				setting.set(pool, setting.trafficGuardDefault(maximumPoolSize, pool.getMaximumPoolSize()));
				source = SettingSource.TRAFFIC_GUARD;
			}
			sources.put(setting, source);
		}
		return new PoolTuning(prefix, true, sources);
	}

	/**
	 * Whether the pool keeps all its connections, so that an idle timeout has no effect
	 * (and HikariCP warns when one is set).
	 */
	private static boolean isFixedSize(HikariDataSource pool) {
		return pool.getMinimumIdle() < 0 || pool.getMinimumIdle() >= pool.getMaximumPoolSize();
	}

	private SettingSource sourceOf(HikariSetting setting, HikariDataSource pool, @Nullable String prefix) {
		if (prefix != null) {
			SettingSource source = this.settingSources.sourceOf(prefix + "." + setting.property());
			if (source != SettingSource.LIBRARY_DEFAULT) {
				return source;
			}
		}
		return (setting.get(pool) != setting.hikariDefault()) ? SettingSource.USER : SettingSource.LIBRARY_DEFAULT;
	}

	private int defaultMaximumPoolSize() {
		TrafficGuardDataSourceProperties properties = Binder.get(this.environment)
			.bindOrCreate(TrafficGuardDataSourceProperties.PREFIX, TrafficGuardDataSourceProperties.class);
		return HikariSetting.maximumPoolSize(properties.getDatabaseCores(), properties.getExpectedInstances());
	}

	private @Nullable String prefixOf(Object bean, String beanName) {
		if (this.applicationContext == null) {
			return null;
		}
		ConfigurationPropertiesBean properties = ConfigurationPropertiesBean.get(this.applicationContext, bean,
				beanName);
		if (properties == null) {
			return null;
		}
		ConfigurationProperties annotation = properties.getAnnotation();
		String prefix = StringUtils.hasText(annotation.prefix()) ? annotation.prefix() : annotation.value();
		return StringUtils.hasText(prefix) ? prefix : null;
	}

	/**
	 * How one pool was tuned.
	 *
	 * @param prefix the prefix of the pool's {@code @ConfigurationProperties}, or
	 * {@code null} if it has none
	 * @param tuned whether Traffic Guard could tune it (false for a pool that had already
	 * started)
	 * @param sources where each setting came from
	 */
	record PoolTuning(@Nullable String prefix, boolean tuned, Map<HikariSetting, SettingSource> sources) {

		PoolTuning {
			sources = Collections.unmodifiableMap(new EnumMap<>(sources));
		}

	}

}
