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
 * One forwarded header, {@code X-Forwarded-For} or {@code Forwarded} (RFC 7239), whichever
 * the deployment's proxy writes, is believed, and only when the connection comes from a
 * trusted proxy; the other header is ignored entirely, since a proxy passes a header it does
 * not write through untouched. The client is then the right-most address of the chain that
 * is not a trusted proxy: every proxy appends the address it received the request from, so
 * only the addresses our own proxies appended can be believed, and the first address to the
 * left of them is the one that connected to our edge. From anyone else the headers are
 * ignored, so a client cannot pick a new identity per request. Malformed values are never an
 * error: the walk stops at the first one and the nearest address known so far is used. A
 * chain longer than {@value #MAX_HOPS} entries is read from its right end, where the entries
 * our proxies wrote are, and only that far.
 * <p>
 * Addresses come back in one canonical form, so that one client has one name: IPv4 in dotted
 * decimal ({@code ::ffff:10.1.1.1} is {@code 10.1.1.1}), IPv6 as RFC 5952 writes it. A
 * literal with a leading zero ({@code 010.1.1.1}) is not taken for an address: it is octal to
 * some parsers and decimal to others.
 * <p>
 * When the server already resolves forwarded headers itself (Spring Boot's
 * {@code server.forward-headers-strategy}), the address it worked out is used as is.
 */
public final class ClientAddressResolver {

	/**
	 * The most hops walked in a forwarded chain, and the most header lines read (the last
	 * ones): a bound on the work a long header costs.
	 */
	static final int MAX_HOPS = 32;

	private final List<CidrBlock> trustedProxies;

	private final ForwardedHeader forwardedHeader;

	private final boolean resolvedByServer;

	/**
	 * Create a resolver that believes {@code X-Forwarded-For}.
	 * @param trustedProxies the proxies whose forwarded header is believed
	 * @param resolvedByServer whether the server already resolves forwarded headers (then
	 * the request's remote address is the client's)
	 */
	public ClientAddressResolver(List<CidrBlock> trustedProxies, boolean resolvedByServer) {
		this(trustedProxies, ForwardedHeader.X_FORWARDED_FOR, resolvedByServer);
	}

	/**
	 * Create a resolver.
	 * @param trustedProxies the proxies whose forwarded header is believed
	 * @param forwardedHeader the one forwarded header believed
	 * @param resolvedByServer whether the server already resolves forwarded headers (then
	 * the request's remote address is the client's)
	 */
	public ClientAddressResolver(List<CidrBlock> trustedProxies, ForwardedHeader forwardedHeader,
			boolean resolvedByServer) {
		this.trustedProxies = List.copyOf(trustedProxies);
		this.forwardedHeader = forwardedHeader;
		this.resolvedByServer = resolvedByServer;
	}

	/**
	 * Create a resolver that believes {@code X-Forwarded-For} from the given proxies.
	 * @param trustedProxies the proxies as CIDR blocks, such as {@code 10.0.0.0/8}
	 * @return the resolver
	 * @throws IllegalArgumentException if an entry is not a CIDR block
	 */
	public static ClientAddressResolver trusting(List<String> trustedProxies) {
		return trusting(trustedProxies, ForwardedHeader.X_FORWARDED_FOR);
	}

	/**
	 * Create a resolver that believes one forwarded header from the given proxies.
	 * @param trustedProxies the proxies as CIDR blocks, such as {@code 10.0.0.0/8}
	 * @param forwardedHeader the one forwarded header believed
	 * @return the resolver
	 * @throws IllegalArgumentException if an entry is not a CIDR block
	 */
	public static ClientAddressResolver trusting(List<String> trustedProxies, ForwardedHeader forwardedHeader) {
		return new ClientAddressResolver(trustedProxies.stream().map(CidrBlock::parse).toList(), forwardedHeader,
				false);
	}

	/**
	 * The forwarded header believed from a trusted proxy.
	 * @return the header
	 */
	public ForwardedHeader getForwardedHeader() {
		return this.forwardedHeader;
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
	 * @return the client's address, as a canonical literal (or the remote address as the
	 * server gave it if it is not an IP address)
	 */
	public String resolve(HttpServletRequest request) {
		String address = uncanonical(request);
		if (address.indexOf(':') < 0) {
			// Dotted decimal already: the server writes it so, and the walk accepts no other
			return address;
		}
		byte[] bytes = IpLiteral.parse(address);
		return (bytes != null) ? IpLiteral.format(bytes) : address;
	}

	/**
	 * The client's address as the key of what one host can own: an IPv4 address as is, an
	 * IPv6 address as its network of the given prefix length, such as
	 * {@code 2001:db8:1:2::/64}, since one host is given a whole /64 and could otherwise
	 * pick a new address per request.
	 * @param request the request
	 * @param ipv6PrefixLength the length of the IPv6 prefix one host is taken to own (128:
	 * every address on its own)
	 * @return the canonical address or network
	 */
	public String resolveNetwork(HttpServletRequest request, int ipv6PrefixLength) {
		String address = uncanonical(request);
		if (address.indexOf(':') < 0) {
			return address;
		}
		byte[] bytes = IpLiteral.parse(address);
		if (bytes == null) {
			return address;
		}
		if (bytes.length == 4 || ipv6PrefixLength >= 128) {
			return IpLiteral.format(bytes);
		}
		return IpLiteral.format(IpLiteral.network(bytes, ipv6PrefixLength)) + "/" + ipv6PrefixLength;
	}

	/**
	 * Whether the request came straight from a trusted proxy, so that what the proxy wrote in
	 * its headers can be believed. Never when the server resolves forwarded headers itself:
	 * the connection's own address is not known then.
	 * @param request the request
	 * @return whether the connection's address is a trusted proxy's
	 */
	public boolean isFromTrustedProxy(HttpServletRequest request) {
		return !this.resolvedByServer && !this.trustedProxies.isEmpty() && isTrusted(request.getRemoteAddr());
	}

	/**
	 * The client's address as the request or the believed header wrote it.
	 */
	private String uncanonical(HttpServletRequest request) {
		String remote = request.getRemoteAddr();
		if (this.resolvedByServer || this.trustedProxies.isEmpty() || !isTrusted(remote)) {
			return remote;
		}
		List<String> lines = lastLines(request.getHeaders(this.forwardedHeader.headerName()));
		return lines.isEmpty() ? remote : walk(lines, this.forwardedHeader == ForwardedHeader.FORWARDED, remote);
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

	/**
	 * The last {@value #MAX_HOPS} lines of a header, in order: a proxy appends its own line
	 * after the client's, so the lines that can be believed are the last ones.
	 */
	private static List<String> lastLines(@Nullable Enumeration<String> headers) {
		if (headers == null || !headers.hasMoreElements()) {
			return Collections.emptyList();
		}
		String first = headers.nextElement();
		if (!headers.hasMoreElements()) {
			return List.of(first);
		}
		// The server bounds the number of header lines (Tomcat: maxHeaderCount, 100)
		String[] ring = new String[MAX_HOPS];
		ring[0] = first;
		int count = 1;
		while (headers.hasMoreElements()) {
			ring[count % MAX_HOPS] = headers.nextElement();
			count++;
		}
		int kept = Math.min(count, MAX_HOPS);
		List<String> lines = new ArrayList<>(kept);
		for (int i = count - kept; i < count; i++) {
			lines.add(ring[i % MAX_HOPS]);
		}
		return lines;
	}

	/**
	 * The forwarded headers a resolver can believe.
	 */
	public enum ForwardedHeader {

		/**
		 * {@code X-Forwarded-For}: a comma-separated list of addresses, each proxy appending
		 * the one it received the request from (nginx, HAProxy, most cloud load balancers).
		 */
		X_FORWARDED_FOR("X-Forwarded-For"),

		/**
		 * {@code Forwarded} (RFC 7239): the {@code for} parameter of each element (Envoy
		 * and others when configured for it).
		 */
		FORWARDED("Forwarded");

		private final String headerName;

		ForwardedHeader(String headerName) {
			this.headerName = headerName;
		}

		/**
		 * The header's name.
		 * @return the name as sent on the wire
		 */
		public String headerName() {
			return this.headerName;
		}

	}

}
