package dev.trafficguard.web;

import java.util.List;

import dev.trafficguard.web.ClientAddressResolver.ForwardedHeader;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link ClientAddressResolver}, {@link CidrBlock} and {@link IpLiteral}.
 */
class ClientAddressResolverTests {

	private final ClientAddressResolver resolver = ClientAddressResolver.trusting(List.of("10.0.0.0/8", "::1/128"));

	private final ClientAddressResolver forwarded = ClientAddressResolver.trusting(List.of("10.0.0.0/8", "::1/128"),
			ForwardedHeader.FORWARDED);

	@Test
	void ignoresForwardedHeadersFromAnUntrustedAddress() {
		MockHttpServletRequest request = request("203.0.113.5");
		request.addHeader("X-Forwarded-For", "198.51.100.1");
		request.addHeader("Forwarded", "for=198.51.100.2");
		assertThat(this.resolver.resolve(request)).isEqualTo("203.0.113.5");
	}

	@Test
	void ignoresForwardedHeadersWhenNoProxyIsTrusted() {
		MockHttpServletRequest request = request("10.0.0.1");
		request.addHeader("X-Forwarded-For", "198.51.100.1");
		assertThat(ClientAddressResolver.trusting(List.of()).resolve(request)).isEqualTo("10.0.0.1");
	}

	@Test
	void takesTheRightMostUntrustedAddressOfXForwardedFor() {
		MockHttpServletRequest request = request("10.0.0.1");
		request.addHeader("X-Forwarded-For", "1.1.1.1, 198.51.100.7, 10.2.3.4");
		assertThat(this.resolver.resolve(request)).isEqualTo("198.51.100.7");
	}

	@Test
	void readsEveryXForwardedForLineFromTheLast() {
		MockHttpServletRequest request = request("10.0.0.1");
		request.addHeader("X-Forwarded-For", "198.51.100.7");
		request.addHeader("X-Forwarded-For", "10.9.9.9");
		assertThat(this.resolver.resolve(request)).isEqualTo("198.51.100.7");
	}

	@Test
	void takesTheLeftMostAddressWhenEveryHopIsTrusted() {
		MockHttpServletRequest request = request("10.0.0.1");
		request.addHeader("X-Forwarded-For", "10.1.1.1,10.2.2.2");
		assertThat(this.resolver.resolve(request)).isEqualTo("10.1.1.1");
	}

	@Test
	void stopsAtAMalformedEntryAndUsesTheNearestKnownAddress() {
		MockHttpServletRequest request = request("10.0.0.1");
		request.addHeader("X-Forwarded-For", "198.51.100.7, not-an-address, 10.2.2.2");
		assertThat(this.resolver.resolve(request)).isEqualTo("10.2.2.2");
		MockHttpServletRequest garbage = request("10.0.0.1");
		garbage.addHeader("X-Forwarded-For", ",,;\"[");
		assertThat(this.resolver.resolve(garbage)).isEqualTo("10.0.0.1");
		MockHttpServletRequest hostname = request("10.0.0.1");
		hostname.addHeader("X-Forwarded-For", "example.com");
		assertThat(this.resolver.resolve(hostname)).isEqualTo("10.0.0.1");
	}

	@Test
	void stripsPortsFromXForwardedFor() {
		MockHttpServletRequest request = request("10.0.0.1");
		request.addHeader("X-Forwarded-For", "198.51.100.7:4711");
		assertThat(this.resolver.resolve(request)).isEqualTo("198.51.100.7");
		MockHttpServletRequest ipv6 = request("10.0.0.1");
		ipv6.addHeader("X-Forwarded-For", "[2001:db8::17]:4711");
		assertThat(this.resolver.resolve(ipv6)).isEqualTo("2001:db8::17");
	}

	@Test
	void readsForwardedsForParameterWhenToldToAndIgnoresXForwardedFor() {
		MockHttpServletRequest request = request("10.0.0.1");
		request.addHeader("X-Forwarded-For", "192.0.2.99");
		request.addHeader("Forwarded",
				"for=192.0.2.43;proto=https, For=\"[2001:db8:cafe::17]:4711\";by=10.0.0.1, for=10.5.5.5");
		assertThat(this.forwarded.resolve(request)).isEqualTo("2001:db8:cafe::17");
	}

	@Test
	void believesOnlyXForwardedForByDefaultAndIgnoresAClientsForwarded() {
		MockHttpServletRequest request = request("10.0.0.1");
		request.addHeader("Forwarded", "for=10.9.0.1");
		request.addHeader("X-Forwarded-For", "198.51.100.9");
		assertThat(this.resolver.resolve(request)).isEqualTo("198.51.100.9");
		MockHttpServletRequest forwardedOnly = request("10.0.0.1");
		forwardedOnly.addHeader("Forwarded", "for=198.51.100.4");
		assertThat(this.resolver.resolve(forwardedOnly)).isEqualTo("10.0.0.1");
	}

	@Test
	void believesOnlyForwardedWhenToldToAndIgnoresAClientsXForwardedFor() {
		MockHttpServletRequest request = request("10.0.0.1");
		request.addHeader("X-Forwarded-For", "10.9.0.1");
		request.addHeader("Forwarded", "for=198.51.100.9");
		assertThat(this.forwarded.resolve(request)).isEqualTo("198.51.100.9");
		MockHttpServletRequest xffOnly = request("10.0.0.1");
		xffOnly.addHeader("X-Forwarded-For", "198.51.100.4");
		assertThat(this.forwarded.resolve(xffOnly)).isEqualTo("10.0.0.1");
	}

	@Test
	void readsTheLastLinesOfALongHeaderWhereTheProxysLineIs() {
		MockHttpServletRequest request = request("10.0.0.1");
		for (int i = 0; i < 40; i++) {
			request.addHeader("X-Forwarded-For", "192.0.2." + i);
		}
		request.addHeader("X-Forwarded-For", "198.51.100.9");
		assertThat(this.resolver.resolve(request)).isEqualTo("198.51.100.9");
	}

	@Test
	void keysAChainOfTrustedHopsOverTheCapByItsRightEnd() {
		MockHttpServletRequest request = request("10.0.0.1");
		request.addHeader("X-Forwarded-For", "192.0.2.66");
		for (int i = 0; i < ClientAddressResolver.MAX_HOPS + 5; i++) {
			request.addHeader("X-Forwarded-For", "10.0.0." + (i + 2));
		}
		// Every entry the walk reads is a trusted proxy: the client is the left-most of
		// those, never an entry beyond the cap that the client could have written
		assertThat(this.resolver.resolve(request)).isEqualTo("10.0.0.7");
	}

	@Test
	void writesEveryAddressOneCanonicalWay() {
		assertThat(this.resolver.resolve(request("::ffff:10.1.1.1"))).isEqualTo("10.1.1.1");
		assertThat(this.resolver.resolve(request("0:0:0:0:0:ffff:a01:101"))).isEqualTo("10.1.1.1");
		assertThat(this.resolver.resolve(request("2001:DB8:0:0:0:0:0:1"))).isEqualTo("2001:db8::1");
		assertThat(this.resolver.resolve(request("0:0:0:0:0:0:0:1"))).isEqualTo("::1");
		assertThat(this.resolver.resolve(request("2001:db8:0:1:0:0:0:0"))).isEqualTo("2001:db8:0:1::");
		assertThat(this.resolver.resolve(request("2001:0:0:1:0:0:0:1"))).isEqualTo("2001:0:0:1::1");
		assertThat(this.resolver.resolve(request("1:0:2:0:3:0:4:0"))).isEqualTo("1:0:2:0:3:0:4:0");
		MockHttpServletRequest mapped = request("10.0.0.1");
		mapped.addHeader("X-Forwarded-For", "::ffff:198.51.100.7");
		assertThat(this.resolver.resolve(mapped)).isEqualTo("198.51.100.7");
	}

	@Test
	void takesALeadingZeroForAMalformedEntryNotForAnAddress() {
		MockHttpServletRequest request = request("10.0.0.1");
		request.addHeader("X-Forwarded-For", "010.1.1.1");
		assertThat(this.resolver.resolve(request)).isEqualTo("10.0.0.1");
	}

	@Test
	void groupsIpv6AddressesByTheirNetwork() {
		assertThat(this.resolver.resolveNetwork(request("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), 64))
			.isEqualTo("2001:db8:1:2::/64");
		assertThat(this.resolver.resolveNetwork(request("2001:db8:1:2:ffff::1"), 64)).isEqualTo("2001:db8:1:2::/64");
		assertThat(this.resolver.resolveNetwork(request("2001:db8:1:2ff::1"), 56)).isEqualTo("2001:db8:1:200::/56");
		assertThat(this.resolver.resolveNetwork(request("2001:db8::1"), 128)).isEqualTo("2001:db8::1");
		assertThat(this.resolver.resolveNetwork(request("198.51.100.7"), 64)).isEqualTo("198.51.100.7");
		assertThat(this.resolver.resolveNetwork(request("::ffff:198.51.100.7"), 64)).isEqualTo("198.51.100.7");
	}

	@Test
	void trustsAnIpv6Proxy() {
		MockHttpServletRequest request = request("0:0:0:0:0:0:0:1");
		request.addHeader("X-Forwarded-For", "198.51.100.7");
		assertThat(this.resolver.resolve(request)).isEqualTo("198.51.100.7");
	}

	@Test
	void usesTheServersAddressWhenTheServerResolvesForwardedHeaders() {
		ClientAddressResolver resolvedByServer = new ClientAddressResolver(List.of(CidrBlock.parse("10.0.0.0/8")),
				true);
		MockHttpServletRequest request = request("10.0.0.1");
		request.addHeader("X-Forwarded-For", "198.51.100.7");
		assertThat(resolvedByServer.resolve(request)).isEqualTo("10.0.0.1");
	}

	@Test
	void boundsTheHopsWalked() {
		MockHttpServletRequest request = request("10.0.0.1");
		request.addHeader("X-Forwarded-For", "198.51.100.7," + "10.0.0.2,".repeat(100) + "10.0.0.3");
		assertThat(this.resolver.resolve(request)).startsWith("10.0.0.");
	}

	@Test
	void cidrBlocksMatchTheirAddresses() {
		CidrBlock block = CidrBlock.parse("192.168.4.0/22");
		assertThat(block.contains("192.168.7.255")).isTrue();
		assertThat(block.contains("192.168.8.0")).isFalse();
		assertThat(block.contains("::ffff:192.168.5.1")).isTrue();
		assertThat(CidrBlock.parse("2001:db8::/32").contains("2001:db8:ffff::1")).isTrue();
		assertThat(CidrBlock.parse("2001:db8::/32").contains("2001:db9::1")).isFalse();
		assertThat(CidrBlock.parse("0.0.0.0/0").contains("8.8.8.8")).isTrue();
		assertThat(CidrBlock.parse("0.0.0.0/0").contains("::1")).isFalse();
		assertThat(CidrBlock.parse("203.0.113.9").contains("203.0.113.9")).isTrue();
		assertThat(CidrBlock.parse("203.0.113.9").contains("203.0.113.8")).isFalse();
	}

	@Test
	void rejectsInvalidCidrBlocks() {
		for (String invalid : List.of("", "10.0.0.0/33", "10.0.0/8", "300.1.1.1", "10.0.0.0/", "10.0.0.0/-1",
				"example.com", "::1/129", "1:2:3:4:5:6:7:8:9", "1::2::3", "01.2.3.4")) {
			assertThat(CidrBlock.tryParse(invalid)).as(invalid).isNull();
		}
		assertThatIllegalArgumentException().isThrownBy(() -> CidrBlock.parse("10.0.0.0/33"))
			.withMessageContaining("10.0.0.0/33");
	}

	@Test
	void parsesIpv6Literals() {
		assertThat(IpLiteral.parse("::")).hasSize(16).containsOnly(0);
		assertThat(IpLiteral.parse("::1")).hasSize(16).endsWith(1);
		assertThat(IpLiteral.parse("1::")).hasSize(16).startsWith(0, 1);
		assertThat(IpLiteral.parse("fe80::1%eth0")).hasSize(16).startsWith(0xfe - 256, 0x80 - 256);
		assertThat(IpLiteral.parse("1:2:3:4:5:6:7:8")).hasSize(16).endsWith(0, 8);
		assertThat(IpLiteral.parse("::ffff:10.1.2.3")).containsExactly(10, 1, 2, 3);
		assertThat(IpLiteral.parse("64:ff9b::192.0.2.33")).hasSize(16).endsWith(192 - 256, 0, 2, 33);
		assertThat(IpLiteral.parse("1:2:3")).isNull();
		assertThat(IpLiteral.parse(":1")).isNull();
		assertThat(IpLiteral.parse("1:")).isNull();
		assertThat(IpLiteral.parse("12345::")).isNull();
		assertThat(IpLiteral.parse("g::")).isNull();
	}

	private static MockHttpServletRequest request(String remoteAddress) {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/");
		request.setRemoteAddr(remoteAddress);
		return request;
	}

}
