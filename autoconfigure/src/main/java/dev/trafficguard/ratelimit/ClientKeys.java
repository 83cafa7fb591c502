package dev.trafficguard.ratelimit;

import java.security.Principal;
import java.util.Locale;

import dev.trafficguard.ratelimit.RateLimitProperties.KeyKind;
import dev.trafficguard.web.ClientAddressResolver;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

/**
 * The built-in client keys a rule can name: {@code ip}, {@code header:<Name>} and
 * {@code principal}.
 */
final class ClientKeys {

	/**
	 * Longest header value or principal name used as a key. A request with a longer header
	 * value is answered 400 ({@link #TOO_LONG}); a longer principal name is replaced by the
	 * client's address.
	 */
	static final int MAX_KEY_LENGTH = 256;

	/**
	 * The key of a request whose key header is longer than {@link #MAX_KEY_LENGTH}: the
	 * filter answers it 400. Compared by identity, so no header value can be taken for it.
	 */
	static final String TOO_LONG = new String("<too long>");

	/**
	 * Prefix of the address used in place of a missing header or principal, so that no
	 * header value can name another client's address bucket.
	 */
	private static final String ADDRESS_FALLBACK = "ip:";

	private ClientKeys() {
	}

	/**
	 * The resolver for a rule's {@code key}.
	 * @param key the rule's key, or {@code null} for the default
	 * @param applicationResolver the application's resolver, if it defines one
	 * @param addresses the client address resolver
	 * @param ipv6PrefixLength the IPv6 prefix one host is taken to own
	 * @return the resolver
	 */
	static ClientKeyResolver forKey(@Nullable String key, @Nullable ClientKeyResolver applicationResolver,
			ClientAddressResolver addresses, int ipv6PrefixLength) {
		ClientKeyResolver address = (request) -> addresses.resolveNetwork(request, ipv6PrefixLength);
		if (key == null) {
			return (applicationResolver != null) ? applicationResolver : address;
		}
		String trimmed = key.trim();
		if (trimmed.equalsIgnoreCase(KeyKind.IP)) {
			return address;
		}
		if (trimmed.equalsIgnoreCase(KeyKind.PRINCIPAL)) {
			return (request) -> principal(request, address);
		}
		String header = trimmed.substring(KeyKind.HEADER_PREFIX.length()).trim();
		return (request) -> header(request, header, address);
	}

	/**
	 * How a rule's key is shown in the actuator endpoint.
	 */
	static String describe(@Nullable String key, @Nullable ClientKeyResolver applicationResolver) {
		if (key == null) {
			return (applicationResolver != null) ? "resolver" : KeyKind.IP;
		}
		String trimmed = key.trim();
		if (trimmed.regionMatches(true, 0, KeyKind.HEADER_PREFIX, 0, KeyKind.HEADER_PREFIX.length())) {
			return KeyKind.HEADER_PREFIX + trimmed.substring(KeyKind.HEADER_PREFIX.length()).trim();
		}
		return trimmed.toLowerCase(Locale.ROOT);
	}

	private static String principal(HttpServletRequest request, ClientKeyResolver address) {
		Principal principal = request.getUserPrincipal();
		String name = (principal != null) ? principal.getName() : null;
		return (name != null && !name.isEmpty() && name.length() <= MAX_KEY_LENGTH) ? name
				: ADDRESS_FALLBACK + address.resolve(request);
	}

	private static String header(HttpServletRequest request, String header, ClientKeyResolver address) {
		String value = request.getHeader(header);
		if (value == null || value.isEmpty()) {
			return ADDRESS_FALLBACK + address.resolve(request);
		}
		return (value.length() <= MAX_KEY_LENGTH) ? value : TOO_LONG;
	}

}
