package io.hashstream.producer.internal;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * The events' ids: random (version 4) UUIDs, as the schema says, drawn from an L64X128MixRandom
 * seeded once from {@link SecureRandom}. {@link UUID#randomUUID} asks {@code SecureRandom} for every
 * id; an event id needs to be unique, not unpredictable, and 192 bits of seeded state make two
 * producers' streams meet with a chance no run will see. Not thread-safe: the publisher's thread
 * owns it.
 */
public final class EventIds {
  private static final long VERSION_MASK = 0xF000L;
  private static final long VERSION_4 = 0x4000L;
  private static final long VARIANT_MASK = 0x3FFF_FFFF_FFFF_FFFFL;
  private static final long VARIANT_RFC_4122 = 0x8000_0000_0000_0000L;

  private final RandomGenerator random;

  public EventIds() {
    byte[] seed = new byte[24];
    new SecureRandom().nextBytes(seed);
    random = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
  }

  public UUID next() {
    long high = (random.nextLong() & ~VERSION_MASK) | VERSION_4;
    long low = (random.nextLong() & VARIANT_MASK) | VARIANT_RFC_4122;
    return new UUID(high, low);
  }
}
