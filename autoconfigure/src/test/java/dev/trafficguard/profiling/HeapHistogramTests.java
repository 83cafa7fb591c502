package dev.trafficguard.profiling;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link HeapHistogram}'s reading of the JVM's class histogram.
 */
class HeapHistogramTests {

	private static final String OUTPUT = """
			 num     #instances         #bytes  class name (module)
			-------------------------------------------------------
			   1:         41250        4508536  [B (java.base@17.0.15)
			   2:         39114         938736  java.lang.String (java.base@17.0.15)
			   3:          8321         732248  java.lang.Class (java.base@17.0.15)
			   4:          5000         160000  com.example.Order
			Total        250000       9000000
			""";

	@Test
	void readsTheTopClassesAndTheTotal() {
		HeapHistogram.Histogram histogram = HeapHistogram.parse(OUTPUT, 3, false);
		assertThat(histogram.instances()).isEqualTo(250000);
		assertThat(histogram.bytes()).isEqualTo(9000000);
		assertThat(histogram.classes()).hasSize(3);
		assertThat(histogram.classes().get(0))
			.isEqualTo(new HeapHistogram.ClassBytes("[B", "java.base@17.0.15", 41250, 4508536));
		assertThat(HeapHistogram.parse(OUTPUT, 10, false).classes().get(3))
			.isEqualTo(new HeapHistogram.ClassBytes("com.example.Order", null, 5000, 160000));
	}

	@Test
	void takesTheHistogramOfThisJvm() throws Exception {
		HeapHistogram.Histogram histogram = HeapHistogram.take(5, false);
		assertThat(histogram.classes()).hasSize(5);
		assertThat(histogram.bytes()).isPositive();
	}

}
