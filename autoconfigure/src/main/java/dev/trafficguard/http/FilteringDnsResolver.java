package dev.trafficguard.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;

import org.springframework.boot.http.client.InetAddressFilter;

/**
 * A {@link DnsResolver} that keeps only the addresses Spring Boot's
 * {@link InetAddressFilter} allows, so the shared pool honours the application's address
 * filter as Boot's own per-client pools do.
 */
final class FilteringDnsResolver implements DnsResolver {

	private final DnsResolver delegate = SystemDefaultDnsResolver.INSTANCE;

	private final InetAddressFilter filter;

	FilteringDnsResolver(InetAddressFilter filter) {
		this.filter = filter;
	}

	@Override
	public InetAddress[] resolve(String host) throws UnknownHostException {
		InetAddress[] allowed = Arrays.stream(this.delegate.resolve(host))
			.filter(this.filter::matches)
			.toArray(InetAddress[]::new);
		if (allowed.length == 0) {
			throw new UnknownHostException(host + ": no address allowed by the HTTP client's address filter");
		}
		return allowed;
	}

	@Override
	public String resolveCanonicalHostname(String host) throws UnknownHostException {
		return this.delegate.resolveCanonicalHostname(host);
	}

}
