package dev.trafficguard.web;

import org.jspecify.annotations.Nullable;

/**
 * Parses IPv4 and IPv6 address literals without ever asking DNS, which
 * {@code InetAddress.getByName} may do for a string that is not a valid literal. A header
 * value a client sent must never trigger a lookup.
 */
final class IpLiteral {

	private IpLiteral() {
	}

	/**
	 * Parse an address literal. An IPv4-mapped IPv6 address ({@code ::ffff:192.0.2.1}) is
	 * returned as its 4-byte IPv4 address, so both forms match the same CIDR blocks.
	 * @param text the text holding the literal
	 * @param start the index of its first character
	 * @param end the index after its last character
	 * @return the 4 or 16 address bytes, or {@code null} if the range is not an address
	 * literal
	 */
	static byte @Nullable [] parse(String text, int start, int end) {
		if (start >= end || end - start > 45) {
			return null;
		}
		for (int i = start; i < end; i++) {
			if (text.charAt(i) == ':') {
				return parseIpv6(text, start, end);
			}
		}
		byte[] address = new byte[4];
		return parseIpv4(text, start, end, address, 0) ? address : null;
	}

	/**
	 * Parse a whole string as an address literal.
	 * @param text the text
	 * @return the address bytes, or {@code null} if the text is not an address literal
	 */
	static byte @Nullable [] parse(String text) {
		return parse(text, 0, text.length());
	}

	private static boolean parseIpv4(String text, int start, int end, byte[] into, int offset) {
		int octet = -1;
		int digits = 0;
		int index = offset;
		for (int i = start; i < end; i++) {
			char c = text.charAt(i);
			if (c >= '0' && c <= '9') {
				if (digits == 3 || (digits > 0 && octet == 0)) {
					return false;
				}
				octet = ((octet < 0) ? 0 : octet * 10) + (c - '0');
				digits++;
				if (octet > 255) {
					return false;
				}
			}
			else if (c == '.' && digits > 0 && index < offset + 3) {
				into[index++] = (byte) octet;
				octet = -1;
				digits = 0;
			}
			else {
				return false;
			}
		}
		if (digits == 0 || index != offset + 3) {
			return false;
		}
		into[index] = (byte) octet;
		return true;
	}

	private static byte @Nullable [] parseIpv6(String text, int start, int end) {
		int zone = text.indexOf('%', start);
		if (zone >= 0 && zone < end) {
			end = zone;
		}
		byte[] address = new byte[16];
		int index = 0;
		int compressAt = -1;
		int i = start;
		if (end - i >= 2 && text.charAt(i) == ':') {
			if (text.charAt(i + 1) != ':') {
				return null;
			}
			compressAt = 0;
			i += 2;
			if (i == end) {
				return address;
			}
		}
		while (i < end) {
			if (index == 16) {
				return null;
			}
			int groupStart = i;
			int value = 0;
			while (i < end && Character.digit(text.charAt(i), 16) >= 0 && i - groupStart < 4) {
				value = (value << 4) | Character.digit(text.charAt(i), 16);
				i++;
			}
			if (i < end && text.charAt(i) == '.') {
				// An embedded IPv4 address ends the literal.
				if (index > 12 || !parseIpv4(text, groupStart, end, address, index)) {
					return null;
				}
				index += 4;
				break;
			}
			if (i == groupStart) {
				return null;
			}
			address[index++] = (byte) (value >>> 8);
			address[index++] = (byte) value;
			if (i == end) {
				break;
			}
			if (text.charAt(i) != ':') {
				return null;
			}
			i++;
			if (i < end && text.charAt(i) == ':') {
				if (compressAt >= 0) {
					return null;
				}
				compressAt = index;
				i++;
			}
			else if (i == end) {
				return null;
			}
		}
		if (compressAt >= 0) {
			if (index == 16) {
				return null;
			}
			int moved = index - compressAt;
			System.arraycopy(address, compressAt, address, 16 - moved, moved);
			for (int j = compressAt; j < 16 - moved; j++) {
				address[j] = 0;
			}
		}
		else if (index != 16) {
			return null;
		}
		return isIpv4Mapped(address) ? new byte[] { address[12], address[13], address[14], address[15] } : address;
	}

	private static boolean isIpv4Mapped(byte[] address) {
		for (int i = 0; i < 10; i++) {
			if (address[i] != 0) {
				return false;
			}
		}
		return address[10] == (byte) 0xff && address[11] == (byte) 0xff;
	}

	/**
	 * Write an address the canonical way: IPv4 in dotted decimal, IPv6 as RFC 5952 says
	 * (lower case, no leading zeros, the longest run of two or more zero groups as {@code ::}).
	 * @param address the 4 or 16 address bytes
	 * @return the literal
	 */
	static String format(byte[] address) {
		if (address.length == 4) {
			return new StringBuilder(15).append(address[0] & 0xff)
				.append('.')
				.append(address[1] & 0xff)
				.append('.')
				.append(address[2] & 0xff)
				.append('.')
				.append(address[3] & 0xff)
				.toString();
		}
		int[] groups = new int[8];
		for (int i = 0; i < 8; i++) {
			groups[i] = ((address[2 * i] & 0xff) << 8) | (address[2 * i + 1] & 0xff);
		}
		int bestStart = -1;
		int bestLength = 1;
		for (int i = 0; i < 8;) {
			if (groups[i] != 0) {
				i++;
				continue;
			}
			int start = i;
			while (i < 8 && groups[i] == 0) {
				i++;
			}
			if (i - start > bestLength) {
				bestStart = start;
				bestLength = i - start;
			}
		}
		StringBuilder text = new StringBuilder(39);
		for (int i = 0; i < 8; i++) {
			if (i == bestStart) {
				text.append("::");
				i += bestLength - 1;
				continue;
			}
			if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
				text.append(':');
			}
			text.append(Integer.toHexString(groups[i]));
		}
		return text.toString();
	}

	/**
	 * The network of an address: its first {@code prefixLength} bits, the rest zero.
	 * @param address the 4 or 16 address bytes
	 * @param prefixLength the number of bits kept
	 * @return a new array with the network's bytes
	 */
	static byte[] network(byte[] address, int prefixLength) {
		byte[] network = address.clone();
		for (int bit = prefixLength; bit < network.length * 8; bit++) {
			network[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
		}
		return network;
	}

}
