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
	 * Longest header value or principal name used as a key. A longer one is replaced by
	 * the client's address, so that the memory a tracked client costs stays bounded.
	 */
	static final int MAX_KEY_LENGTH = 256;

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
	 * @return the resolver
	 */
	static ClientKeyResolver forKey(@Nullable String key, @Nullable ClientKeyResolver applicationResolver,
			ClientAddressResolver addresses) {
		if (key == null) {
			return (applicationResolver != null) ? applicationResolver : addresses::resolve;
		}
		String trimmed = key.trim();
		if (trimmed.equalsIgnoreCase(KeyKind.IP)) {
			return addresses::resolve;
		}
		if (trimmed.equalsIgnoreCase(KeyKind.PRINCIPAL)) {
			return (request) -> principal(request, addresses);
		}
		String header = trimmed.substring(KeyKind.HEADER_PREFIX.length()).trim();
		return (request) -> header(request, header, addresses);
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

	private static String principal(HttpServletRequest request, ClientAddressResolver addresses) {
		Principal principal = request.getUserPrincipal();
		String name = (principal != null) ? principal.getName() : null;
		return usable(name) ? name : ADDRESS_FALLBACK + addresses.resolve(request);
	}

	private static String header(HttpServletRequest request, String header, ClientAddressResolver addresses) {
		String value = request.getHeader(header);
		return usable(value) ? value : ADDRESS_FALLBACK + addresses.resolve(request);
	}

	private static boolean usable(@Nullable String key) {
		return key != null && !key.isEmpty() && key.length() <= MAX_KEY_LENGTH;
	}

}
