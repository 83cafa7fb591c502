package dev.trafficguard.ratelimit;

/**
 * The key a client's bucket is kept under in this instance's memory: a 128-bit SipHash-2-4 of
 * the client key, under a secret drawn when the backend starts. Every tracked client costs
 * the same few bytes however long its key, and since the secret is unknown outside the
 * process, no client can craft a key that lands in another client's bucket (two keys share
 * one with probability 2^-128).
 */
final class BucketKey {

	private final long high;

	private final long low;

	private BucketKey(long high, long low) {
		this.high = high;
		this.low = low;
	}

	/**
	 * Hash a client key.
	 * @param key the client key
	 * @param k0 the first half of the secret
	 * @param k1 the second half of the secret
	 * @return the fixed-size key
	 */
	static BucketKey of(String key, long k0, long k1) {
		long v0 = 0x736f6d6570736575L ^ k0;
		long v1 = 0x646f72616e646f6dL ^ k1 ^ 0xee;
		long v2 = 0x6c7967656e657261L ^ k0;
		long v3 = 0x7465646279746573L ^ k1;
		int length = key.length();
		// The UTF-16 code units, four to a 64-bit word, little-endian
		int full = length & ~3;
		for (int i = 0; i < full; i += 4) {
			long m = key.charAt(i) | ((long) key.charAt(i + 1) << 16) | ((long) key.charAt(i + 2) << 32)
					| ((long) key.charAt(i + 3) << 48);
			v3 ^= m;
			for (int round = 0; round < 2; round++) {
				v0 += v1;
				v1 = Long.rotateLeft(v1, 13) ^ v0;
				v0 = Long.rotateLeft(v0, 32);
				v2 += v3;
				v3 = Long.rotateLeft(v3, 16) ^ v2;
				v0 += v3;
				v3 = Long.rotateLeft(v3, 21) ^ v0;
				v2 += v1;
				v1 = Long.rotateLeft(v1, 17) ^ v2;
				v2 = Long.rotateLeft(v2, 32);
			}
			v0 ^= m;
		}
		// The remaining code units and the length in bytes in the top byte
		long last = ((long) (length * 2) & 0xff) << 56;
		for (int i = full; i < length; i++) {
			last |= (long) key.charAt(i) << (16 * (i - full));
		}
		v3 ^= last;
		for (int round = 0; round < 2; round++) {
			v0 += v1;
			v1 = Long.rotateLeft(v1, 13) ^ v0;
			v0 = Long.rotateLeft(v0, 32);
			v2 += v3;
			v3 = Long.rotateLeft(v3, 16) ^ v2;
			v0 += v3;
			v3 = Long.rotateLeft(v3, 21) ^ v0;
			v2 += v1;
			v1 = Long.rotateLeft(v1, 17) ^ v2;
			v2 = Long.rotateLeft(v2, 32);
		}
		v0 ^= last;
		v2 ^= 0xee;
		for (int round = 0; round < 4; round++) {
			v0 += v1;
			v1 = Long.rotateLeft(v1, 13) ^ v0;
			v0 = Long.rotateLeft(v0, 32);
			v2 += v3;
			v3 = Long.rotateLeft(v3, 16) ^ v2;
			v0 += v3;
			v3 = Long.rotateLeft(v3, 21) ^ v0;
			v2 += v1;
			v1 = Long.rotateLeft(v1, 17) ^ v2;
			v2 = Long.rotateLeft(v2, 32);
		}
		long high = v0 ^ v1 ^ v2 ^ v3;
		v1 ^= 0xdd;
		for (int round = 0; round < 4; round++) {
			v0 += v1;
			v1 = Long.rotateLeft(v1, 13) ^ v0;
			v0 = Long.rotateLeft(v0, 32);
			v2 += v3;
			v3 = Long.rotateLeft(v3, 16) ^ v2;
			v0 += v3;
			v3 = Long.rotateLeft(v3, 21) ^ v0;
			v2 += v1;
			v1 = Long.rotateLeft(v1, 17) ^ v2;
			v2 = Long.rotateLeft(v2, 32);
		}
		return new BucketKey(high, v0 ^ v1 ^ v2 ^ v3);
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof BucketKey that && this.high == that.high && this.low == that.low;
	}

	@Override
	public int hashCode() {
		return (int) this.low;
	}

	@Override
	public String toString() {
		return Long.toHexString(this.high) + Long.toHexString(this.low);
	}

}
