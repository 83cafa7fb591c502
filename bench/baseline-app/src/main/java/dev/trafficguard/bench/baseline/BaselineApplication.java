package dev.trafficguard.bench.baseline;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The benchmark's baseline: the sample app without the starter. Its controllers are the
 * sample's, its dependencies are those the starter brings apart from Traffic Guard's own
 * (web, actuator, JDBC, the REST client, the Prometheus registry, H2 and PostgreSQL), and its
 * {@code application.yml} is the sample's apart from {@code traffic-guard.*}, so that
 * {@code bench/run} measures the starter and nothing else.
 */
@SpringBootApplication
public class BaselineApplication {

	public static void main(String[] args) {
		SpringApplication.run(BaselineApplication.class, args);
	}

}
