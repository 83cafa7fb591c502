package dev.trafficguard.web;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

/**
 * Resolves the address of the client that sent a request.
 * <p>
 * {@code Forwarded} (RFC 7239) and {@code X-Forwarded-For} are believed only when the
 * connection comes from a trusted proxy. The client is then the right-most address of the
 * chain that is not a trusted proxy: every proxy appends the address it received the request
 * from, so only the addresses our own proxies appended can be believed, and the first
 * address to the left of them is the one that connected to our edge. From anyone else the
 * headers are ignored, so a client cannot pick a new identity per request. Malformed values
 * are never an error: the walk stops at the first one and the nearest address known so far
 * is used.
 * <p>
 * When the server already resolves forwarded headers itself (Spring Boot's
 * {@code server.forward-headers-strategy}), the address it worked out is used as is.
 */
public final class ClientAddressResolver {

	private static final String FORWARDED = "Forwarded";

	private static final String X_FORWARDED_FOR = "X-Forwarded-For";

	/**
	 * The most hops walked in a forwarded chain: a bound on the work a long header costs.
	 */
	static final int MAX_HOPS = 32;

	private final List<CidrBlock> trustedProxies;

	private final boolean resolvedByServer;

	/**
	 * Create a resolver.
	 * @param trustedProxies the proxies whose forwarded headers are believed
	 * @param resolvedByServer whether the server already resolves forwarded headers (then
	 * the request's remote address is the client's)
	 */
	public ClientAddressResolver(List<CidrBlock> trustedProxies, boolean resolvedByServer) {
		this.trustedProxies = List.copyOf(trustedProxies);
		this.resolvedByServer = resolvedByServer;
	}

	/**
	 * Create a resolver that believes forwarded headers from the given proxies.
	 * @param trustedProxies the proxies as CIDR blocks, such as {@code 10.0.0.0/8}
	 * @return the resolver
	 * @throws IllegalArgumentException if an entry is not a CIDR block
	 */
	public static ClientAddressResolver trusting(List<String> trustedProxies) {
		return new ClientAddressResolver(trustedProxies.stream().map(CidrBlock::parse).toList(), false);
	}

	/**
	 * The trusted proxies.
	 * @return the CIDR blocks whose forwarded headers are believed
	 */
	public List<CidrBlock> getTrustedProxies() {
		return this.trustedProxies;
	}

	/**
	 * Whether the server resolves forwarded headers itself.
	 * @return whether the request's remote address is used as is
	 */
	public boolean isResolvedByServer() {
		return this.resolvedByServer;
	}

	/**
	 * The address of the client that sent the request.
	 * @param request the request
	 * @return the client's address, as a literal
	 */
	public String resolve(HttpServletRequest request) {
		String remote = request.getRemoteAddr();
		if (this.resolvedByServer || this.trustedProxies.isEmpty() || !isTrusted(remote)) {
			return remote;
		}
		List<String> forwarded = lines(request.getHeaders(FORWARDED));
		if (!forwarded.isEmpty()) {
			return walk(forwarded, true, remote);
		}
		List<String> forwardedFor = lines(request.getHeaders(X_FORWARDED_FOR));
		return forwardedFor.isEmpty() ? remote : walk(forwardedFor, false, remote);
	}

	private boolean isTrusted(@Nullable String address) {
		if (address == null) {
			return false;
		}
		byte[] bytes = IpLiteral.parse(address);
		return bytes != null && isTrusted(bytes);
	}

	private boolean isTrusted(byte[] address) {
		for (CidrBlock block : this.trustedProxies) {
			if (block.contains(address)) {
				return true;
			}
		}
		return false;
	}

	private String walk(List<String> lines, boolean forwarded, String remote) {
		String nearest = remote;
		int hops = 0;
		for (int line = lines.size() - 1; line >= 0; line--) {
			String value = lines.get(line);
			int end = value.length();
			while (end >= 0) {
				if (++hops > MAX_HOPS) {
					return nearest;
				}
				int comma = value.lastIndexOf(',', end - 1);
				String address = forwarded ? forValue(value, comma + 1, end) : host(value, comma + 1, end);
				byte[] bytes = (address != null) ? IpLiteral.parse(address) : null;
				if (bytes == null) {
					return nearest;
				}
				if (!isTrusted(bytes)) {
					return address;
				}
				nearest = address;
				end = comma;
			}
		}
		return nearest;
	}

	/**
	 * The address in the {@code for} parameter of one {@code Forwarded} element.
	 */
	private static @Nullable String forValue(String value, int start, int end) {
		int pair = start;
		while (pair < end) {
			int semicolon = value.indexOf(';', pair);
			int pairEnd = (semicolon < 0 || semicolon > end) ? end : semicolon;
			int from = skipSpace(value, pair, pairEnd);
			if (pairEnd - from > 4 && value.regionMatches(true, from, "for=", 0, 4)) {
				from += 4;
				int to = trimEnd(value, from, pairEnd);
				if (to - from >= 2 && value.charAt(from) == '"' && value.charAt(to - 1) == '"') {
					from++;
					to--;
				}
				return host(value, from, to);
			}
			pair = pairEnd + 1;
		}
		return null;
	}

	/**
	 * The host of an address that may carry a port or IPv6 brackets: {@code 192.0.2.1},
	 * {@code 192.0.2.1:8080}, {@code [2001:db8::1]:8080} or {@code 2001:db8::1}.
	 */
	private static @Nullable String host(String value, int start, int end) {
		int from = skipSpace(value, start, end);
		int to = trimEnd(value, from, end);
		if (from >= to) {
			return null;
		}
		if (value.charAt(from) == '[') {
			int close = value.indexOf(']', from);
			if (close < 0 || close >= to) {
				return null;
			}
			return value.substring(from + 1, close);
		}
		int colon = value.indexOf(':', from);
		if (colon >= 0 && colon < to && value.lastIndexOf(':', to - 1) == colon) {
			// One colon: an IPv4 address with a port.
			to = colon;
		}
		return value.substring(from, to);
	}

	private static int skipSpace(String value, int from, int end) {
		while (from < end && (value.charAt(from) == ' ' || value.charAt(from) == '\t')) {
			from++;
		}
		return from;
	}

	private static int trimEnd(String value, int from, int end) {
		while (end > from && (value.charAt(end - 1) == ' ' || value.charAt(end - 1) == '\t')) {
			end--;
		}
		return end;
	}

	private static List<String> lines(@Nullable Enumeration<String> headers) {
		if (headers == null || !headers.hasMoreElements()) {
			return Collections.emptyList();
		}
		String first = headers.nextElement();
		if (!headers.hasMoreElements()) {
			return List.of(first);
		}
		List<String> lines = new ArrayList<>();
		lines.add(first);
		while (headers.hasMoreElements() && lines.size() < MAX_HOPS) {
			lines.add(headers.nextElement());
		}
		return lines;
	}

}
