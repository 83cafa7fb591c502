/**
 * JMH benchmarks. Run with {@code bench/jmh/run [JMH options]}; each benchmark compares a
 * Traffic Guard part with what plain Spring Boot does, in the same run.
 */
package dev.trafficguard.bench.jmh;
