package dev.trafficguard.web;

import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * A block of IPv4 or IPv6 addresses in CIDR notation, such as {@code 10.0.0.0/8} or
 * {@code 2001:db8::/32}. A single address without a prefix length is a block of one.
 */
public final class CidrBlock {

	private final String notation;

	private final byte[] network;

	private final int prefixLength;

	private CidrBlock(String notation, byte[] network, int prefixLength) {
		this.notation = notation;
		this.network = network;
		this.prefixLength = prefixLength;
	}

	/**
	 * Parse a CIDR block.
	 * @param notation the block, such as {@code 10.0.0.0/8}, {@code 2001:db8::/32} or
	 * {@code 192.0.2.7}
	 * @return the block
	 * @throws IllegalArgumentException if the notation is not a CIDR block
	 */
	public static CidrBlock parse(String notation) {
		CidrBlock block = tryParse(notation);
		if (block == null) {
			throw new IllegalArgumentException("Not a CIDR block: '" + notation + "'");
		}
		return block;
	}

	/**
	 * Parse a CIDR block.
	 * @param notation the block
	 * @return the block, or {@code null} if the notation is not a CIDR block
	 */
	public static @Nullable CidrBlock tryParse(@Nullable String notation) {
		if (notation == null) {
			return null;
		}
		String trimmed = notation.trim();
		int slash = trimmed.indexOf('/');
		byte[] address = IpLiteral.parse(trimmed, 0, (slash >= 0) ? slash : trimmed.length());
		if (address == null) {
			return null;
		}
		int bits = address.length * 8;
		int prefixLength = bits;
		if (slash >= 0) {
			String length = trimmed.substring(slash + 1);
			if (length.isEmpty() || length.length() > 3 || !length.chars().allMatch(Character::isDigit)) {
				return null;
			}
			prefixLength = Integer.parseInt(length);
			if (prefixLength > bits) {
				return null;
			}
		}
		return new CidrBlock(trimmed, mask(address, prefixLength), prefixLength);
	}

	/**
	 * Whether the block contains an address.
	 * @param address the address's 4 or 16 bytes
	 * @return whether the address is in the block
	 */
	public boolean contains(byte[] address) {
		if (address.length != this.network.length) {
			return false;
		}
		int fullBytes = this.prefixLength / 8;
		for (int i = 0; i < fullBytes; i++) {
			if (address[i] != this.network[i]) {
				return false;
			}
		}
		int remainingBits = this.prefixLength % 8;
		if (remainingBits == 0) {
			return true;
		}
		int mask = (0xff << (8 - remainingBits)) & 0xff;
		return (address[fullBytes] & mask) == (this.network[fullBytes] & 0xff);
	}

	/**
	 * Whether the block contains an address given as a literal.
	 * @param address the address literal, such as {@code 10.1.2.3}
	 * @return whether it is a valid literal in the block
	 */
	public boolean contains(String address) {
		byte[] bytes = IpLiteral.parse(address);
		return bytes != null && contains(bytes);
	}

	private static byte[] mask(byte[] address, int prefixLength) {
		byte[] network = Arrays.copyOf(address, address.length);
		for (int bit = prefixLength; bit < network.length * 8; bit++) {
			network[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
		}
		return network;
	}

	@Override
	public String toString() {
		return this.notation;
	}

}
