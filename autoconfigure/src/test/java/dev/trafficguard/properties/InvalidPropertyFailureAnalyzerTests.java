package dev.trafficguard.properties;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link InvalidPropertyFailureAnalyzer} and {@link PropertyCheck}.
 */
@ExtendWith(OutputCaptureExtension.class)
class InvalidPropertyFailureAnalyzerTests {

	@Test
	void describesThePropertyTheValueAndTheAllowedRange() {
		FailureAnalysis analysis = new InvalidPropertyFailureAnalyzer()
			.analyze(new IllegalStateException("wrapped", new InvalidPropertyException(
					"traffic-guard.executor.queue-capacity", -1, "between 1 and 1000000")));
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription()).isEqualTo(
				"Invalid Traffic Guard configuration: traffic-guard.executor.queue-capacity=-1: must be between 1 and 1000000");
		assertThat(analysis.getAction()).startsWith("Set 'traffic-guard.executor.queue-capacity' to a value between 1 and 1000000");
	}

	@Test
	void ignoresOtherFailures() {
		assertThat(new InvalidPropertyFailureAnalyzer().analyze(new IllegalStateException("other"))).isNull();
	}

	@Test
	void invalidValueStopsARealApplicationWithTheAnalyzersReport(CapturedOutput output) {
		SpringApplication application = new SpringApplication(CheckedConfiguration.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatExceptionOfType(RuntimeException.class)
			.isThrownBy(() -> application.run("--traffic-guard.test.size=-1"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Invalid Traffic Guard configuration: traffic-guard.test.size=-1: must be between 1 and 100")
			.contains("Set 'traffic-guard.test.size' to a value between 1 and 100");
	}

	@Test
	void wholeNumberChecksIncludeTheirBounds() {
		PropertyCheck.between("p", 1, 1, 10);
		PropertyCheck.between("p", 10, 1, 10);
		assertThatExceptionOfType(InvalidPropertyException.class).isThrownBy(() -> PropertyCheck.between("p", 11, 1, 10))
			.withMessage("p=11: must be between 1 and 10");
	}

	@Test
	void durationChecksRejectNullAndOutOfRangeAndFormatAsAUserWouldWrite() {
		PropertyCheck.between("p", Duration.ofMillis(500), Duration.ZERO, Duration.ofMinutes(1));
		assertThatExceptionOfType(InvalidPropertyException.class)
			.isThrownBy(() -> PropertyCheck.between("p", Duration.ofSeconds(90), Duration.ZERO, Duration.ofMinutes(1)))
			.withMessage("p=90s: must be between 0ms and 1m");
		assertThatExceptionOfType(InvalidPropertyException.class)
			.isThrownBy(() -> PropertyCheck.between("p", (Duration) null, Duration.ZERO, Duration.ofHours(2)))
			.withMessage("p=null: must be between 0ms and 2h");
		assertThat(PropertyCheck.format(Duration.ofMillis(250))).isEqualTo("250ms");
	}

	@Test
	void decimalChecksRejectNaN() {
		assertThatExceptionOfType(InvalidPropertyException.class)
			.isThrownBy(() -> PropertyCheck.between("p", Double.NaN, 0.0, 1.0));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(CheckedProperties.class)
	static class CheckedConfiguration {

	}

	@ConfigurationProperties("traffic-guard.test")
	static class CheckedProperties implements InitializingBean {

		private int size = 10;

		public int getSize() {
			return this.size;
		}

		public void setSize(int size) {
			this.size = size;
		}

		@Override
		public void afterPropertiesSet() {
			PropertyCheck.between("traffic-guard.test.size", this.size, 1, 100);
		}

	}

}
