package io.hashstream.consumer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A digest algorithm the consumer can hash files with, by the name results carry: the Java
 * Security standard name for those the JDK has, the reference implementations' names for BLAKE3
 * and XXH3.
 */
public enum HashAlgorithm {
  SHA_256("SHA-256", true),
  SHA_224("SHA-224", true),
  SHA_384("SHA-384", true),
  SHA_512("SHA-512", true),
  SHA_512_224("SHA-512/224", true),
  SHA_512_256("SHA-512/256", true),
  SHA3_224("SHA3-224", true),
  SHA3_256("SHA3-256", true),
  SHA3_384("SHA3-384", true),
  SHA3_512("SHA3-512", true),
  /** Collisions have been made on purpose (SHAttered, 2017). */
  SHA_1("SHA-1", false),
  /** Collisions are made in seconds. */
  MD5("MD5", false),
  /** BLAKE3 with its default 32-byte output, unkeyed. */
  BLAKE3("BLAKE3", true),
  /**
   * XXH3's 64-bit hash with seed 0, as 8 bytes big-endian (what {@code xxhsum -H3} prints): fast
   * and well spread, but anyone can make two files with the same one.
   */
  XXH3("XXH3", false);

  /** Always hashed, and always the first: {@code algorithm} and {@code digest} are its. */
  public static final HashAlgorithm FIRST = SHA_256;

  private final String standardName;
  private final boolean tamperEvident;

  HashAlgorithm(String standardName, boolean tamperEvident) {
    this.standardName = standardName;
    this.tamperEvident = tamperEvident;
  }

  /** The name results carry and users write: {@code SHA-512/256}. */
  public String standardName() {
    return standardName;
  }

  /**
   * Whether no one is known to be able to make two contents with the same digest: a match then
   * shows the content was not changed, even on purpose.
   */
  public boolean tamperEvident() {
    return tamperEvident;
  }

  /**
   * The algorithm named {@code name}, in any case.
   *
   * @throws IllegalArgumentException naming every known algorithm
   */
  public static HashAlgorithm named(String name) {
    String wanted = name.strip();
    for (HashAlgorithm algorithm : values()) {
      if (algorithm.standardName.equalsIgnoreCase(wanted)) {
        return algorithm;
      }
    }
    throw new IllegalArgumentException(
        "unknown digest algorithm '" + name + "'; known: " + knownNames());
  }

  /**
   * The algorithms a comma-separated list names, {@link #FIRST} in front: {@code BLAKE3,XXH3} is
   * SHA-256, BLAKE3, XXH3.
   *
   * @throws IllegalArgumentException for an unknown name, a name given twice, or SHA-256 named
   *     anywhere but first
   */
  public static List<HashAlgorithm> parseList(String names) {
    List<HashAlgorithm> algorithms = new ArrayList<>();
    for (String name : names.split(",", -1)) {
      if (name.isBlank()) {
        throw new IllegalArgumentException("an empty name in the digest algorithms '" + names + "'");
      }
      algorithms.add(named(name));
    }
    if (!algorithms.contains(FIRST)) {
      algorithms.addFirst(FIRST);
    }
    requireValid(algorithms);
    return List.copyOf(algorithms);
  }

  /**
   * Checks a list of algorithms to hash with.
   *
   * @throws IllegalArgumentException unless it starts with {@link #FIRST} and names each once
   */
  public static void requireValid(List<HashAlgorithm> algorithms) {
    if (algorithms.isEmpty() || algorithms.getFirst() != FIRST) {
      throw new IllegalArgumentException(
          FIRST.standardName
              + " is always the first digest algorithm (results' algorithm and digest are its), not "
              + (algorithms.isEmpty() ? "none" : algorithms.getFirst().standardName));
    }
    for (int i = 0; i < algorithms.size(); i++) {
      if (algorithms.indexOf(algorithms.get(i)) != i) {
        throw new IllegalArgumentException(
            "the digest algorithm " + algorithms.get(i).standardName + " is named twice");
      }
    }
  }

  /** Every name, comma-separated, for messages and help. */
  public static String knownNames() {
    return Arrays.stream(values()).map(HashAlgorithm::standardName).collect(Collectors.joining(", "));
  }

  /** The names of {@code algorithms}, comma-separated, as {@code --algorithms} takes them. */
  public static String names(List<HashAlgorithm> algorithms) {
    return algorithms.stream().map(HashAlgorithm::standardName).collect(Collectors.joining(","));
  }

  @Override
  public String toString() {
    return standardName;
  }
}
