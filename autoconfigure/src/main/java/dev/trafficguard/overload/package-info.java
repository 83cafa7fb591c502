/**
 * Overload protection: a bounded request path (Tomcat limits contributed as defaults), an
 * adaptive concurrency limit on inbound requests (Netflix concurrency-limits) with guaranteed
 * shares per path group, and shedding of requests that waited too long in the server's queue,
 * all answered at once with a 503 problem and {@code Retry-After}.
 */
@NullMarked
package dev.trafficguard.overload;

import org.jspecify.annotations.NullMarked;
