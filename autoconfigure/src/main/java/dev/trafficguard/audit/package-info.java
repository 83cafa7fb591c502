/**
 * The startup audit: what an application brings of its own (executors, HTTP clients, pools,
 * timeouts, exposed endpoints, switched-off protections) that would fail under high
 * traffic, each finding with why it matters under load and the fix.
 */
@NullMarked
package dev.trafficguard.audit;

import org.jspecify.annotations.NullMarked;
