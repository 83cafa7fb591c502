/**
 * What the web features share: RFC 9457 problem details written for an exception that
 * escapes a request, and the writer the filters use for their own answers.
 */
@NullMarked
package dev.trafficguard.web;

import org.jspecify.annotations.NullMarked;
