/**
 * Per-client rate limiting: a servlet filter that gives every client a token bucket per
 * rule (bucket4j), kept in a bounded local cache or in Redis for a fleet, and answers a
 * client over its limit with a 429 problem and the IETF RateLimit headers.
 */
@NullMarked
package dev.trafficguard.ratelimit;

import org.jspecify.annotations.NullMarked;
