package dev.trafficguard.sample;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * An invalid Traffic Guard property stops the sample app at startup, and the report names
 * the property, the value and the allowed range.
 */
@ExtendWith(OutputCaptureExtension.class)
class InvalidPropertyStartupTests {

	@Test
	void invalidQueueCapacityStopsStartupWithTheAnalyzersReport(CapturedOutput output) {
		assertThatExceptionOfType(RuntimeException.class)
			.isThrownBy(() -> SpringApplication.run(SampleApplication.class, "--server.port=0",
					"--traffic-guard.executor.queue-capacity=-1"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Invalid Traffic Guard configuration: traffic-guard.executor.queue-capacity=-1: "
					+ "must be between 1 and 1000000")
			.contains("Set 'traffic-guard.executor.queue-capacity' to a value between 1 and 1000000");
	}

}
