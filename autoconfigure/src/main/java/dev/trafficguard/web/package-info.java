/**
 * What the web features share: RFC 9457 problem details written for an exception that
 * escapes a request, the writer the filters use for their own answers, and the resolver of
 * a client's address behind trusted proxies.
 */
@NullMarked
package dev.trafficguard.web;

import org.jspecify.annotations.NullMarked;
