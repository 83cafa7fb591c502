/**
 * One shared pooled Apache HttpClient 5 connection pool for every {@code RestClient.Builder},
 * {@code RestTemplateBuilder} and HTTP service client that Spring Boot builds, with short
 * timeouts, idle eviction, pool metrics and problem details for downstream failures.
 */
@NullMarked
package dev.trafficguard.http;

import org.jspecify.annotations.NullMarked;
