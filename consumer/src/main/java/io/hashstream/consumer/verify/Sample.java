package io.hashstream.consumer.verify;

import java.nio.charset.StandardCharsets;

/**
 * Which files a run reads, from a seed: a share of the keys, spread evenly, the same for the same
 * seed and different for another, so runs with fresh seeds cover the whole tree over time.
 */
record Sample(double percent, long seed) {
  private static final long PARTS = 1_000_000;

  Sample {
    if (!(percent > 0 && percent <= 100)) {
      throw new IllegalArgumentException("the sample is a percentage above 0 and at most 100, not " + percent);
    }
  }

  boolean includes(String key) {
    if (percent >= 100) {
      return true;
    }
    long hash = seed;
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
    }
    return Long.remainderUnsigned(mix(hash), PARTS) < (long) (percent / 100 * PARTS);
  }

  /** SplitMix64's finalizer: FNV alone leaves the low bits of similar keys alike. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
