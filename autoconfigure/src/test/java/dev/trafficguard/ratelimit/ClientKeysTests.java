package dev.trafficguard.ratelimit;

import java.util.List;

import dev.trafficguard.web.ClientAddressResolver;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClientKeys}.
 */
class ClientKeysTests {

	private final ClientAddressResolver addresses = ClientAddressResolver.trusting(List.of());

	@Test
	void principalKeyIsTheUserAndTheAddressForAnonymousRequests() {
		ClientKeyResolver resolver = ClientKeys.forKey("principal", null, this.addresses, 64);
		MockHttpServletRequest request = request();
		assertThat(resolver.resolve(request)).isEqualTo("ip:198.51.100.1");
		request.setUserPrincipal(() -> "alice");
		assertThat(resolver.resolve(request)).isEqualTo("alice");
	}

	@Test
	void headerKeyIsTheValueTheAddressWhenMissingAndTooLongWhenOverTheLimit() {
		ClientKeyResolver resolver = ClientKeys.forKey(" header:X-Api-Key ", null, this.addresses, 64);
		MockHttpServletRequest request = request();
		assertThat(resolver.resolve(request)).isEqualTo("ip:198.51.100.1");
		request.addHeader("X-Api-Key", "k1");
		assertThat(resolver.resolve(request)).isEqualTo("k1");
		MockHttpServletRequest tooLong = request();
		tooLong.addHeader("X-Api-Key", "k".repeat(ClientKeys.MAX_KEY_LENGTH + 1));
		assertThat(resolver.resolve(tooLong)).isSameAs(ClientKeys.TOO_LONG);
		MockHttpServletRequest named = request();
		named.addHeader("X-Api-Key", "<too long>");
		assertThat(resolver.resolve(named)).isNotSameAs(ClientKeys.TOO_LONG);
	}

	@Test
	void defaultKeyIsTheApplicationsResolverOrElseTheAddress() {
		ClientKeyResolver tenant = (request) -> request.getHeader("X-Tenant");
		MockHttpServletRequest request = request();
		request.addHeader("X-Tenant", "t1");
		assertThat(ClientKeys.forKey(null, tenant, this.addresses, 64).resolve(request)).isEqualTo("t1");
		assertThat(ClientKeys.forKey(null, null, this.addresses, 64).resolve(request)).isEqualTo("198.51.100.1");
		assertThat(ClientKeys.forKey("IP", tenant, this.addresses, 64).resolve(request)).isEqualTo("198.51.100.1");
		assertThat(ClientKeys.describe(null, tenant)).isEqualTo("resolver");
		assertThat(ClientKeys.describe("Header:X-Api-Key", null)).isEqualTo("header:X-Api-Key");
	}

	private static MockHttpServletRequest request() {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/");
		request.setRemoteAddr("198.51.100.1");
		return request;
	}

}
