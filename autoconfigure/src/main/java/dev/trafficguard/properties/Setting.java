package dev.trafficguard.properties;

import org.jspecify.annotations.Nullable;

/**
 * The effective value of one setting and where it comes from, as the actuator endpoint shows
 * it.
 *
 * @param value the effective value, or {@code null} if it is not known
 * @param source where the value comes from: {@code default}, {@code traffic-guard} or
 * {@code user}
 */
public record Setting(@Nullable Object value, String source) {

	/**
	 * Create a setting.
	 * @param value the effective value
	 * @param source where it comes from
	 * @return the setting
	 */
	public static Setting of(@Nullable Object value, SettingSource source) {
		return new Setting(value, source.label());
	}

}
