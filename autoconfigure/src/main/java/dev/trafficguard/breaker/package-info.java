/**
 * A resilience4j circuit breaker per downstream host on every call through the HTTP clients
 * Spring Boot builds with Apache HttpClient 5, tuned defaults for
 * {@code resilience4j.circuitbreaker.configs.default}, and problem details for an open
 * breaker.
 */
@NullMarked
package dev.trafficguard.breaker;

import org.jspecify.annotations.NullMarked;
