package io.hashstream.consumer.internal;

import org.jspecify.annotations.Nullable;

/**
 * A test-only seam in the hashing path: with the system property {@value #PROPERTY} set to {@code
 * KEY=KIND[,KEY=KIND...]}, a hashing thread throws the fault of that kind just before it hashes the
 * record of that key. Read at each file, so a test can set it and clear it in a shared JVM; unset
 * in production, where the look-up is all it costs.
 */
public enum InjectedFault {
  /** An {@link IllegalStateException}, as a bug in the hashing code would throw. */
  EXCEPTION,
  /** A {@link LinkageError}, an {@link Error} the JVM survives. */
  ERROR,
  /** An {@link OutOfMemoryError}, after which the JVM cannot be trusted. */
  OUT_OF_MEMORY;

  public static final String PROPERTY = "hashstream.test.fail-hashing";

  static void beforeHashing(String key) {
    InjectedFault fault = forKey(System.getProperty(PROPERTY), key);
    if (fault == null) {
      return;
    }
    String message = "injected by " + PROPERTY + " for " + key;
    switch (fault) {
      case EXCEPTION -> throw new IllegalStateException(message);
      case ERROR -> throw new LinkageError(message);
      case OUT_OF_MEMORY -> throw new OutOfMemoryError(message);
    }
  }

  private static @Nullable InjectedFault forKey(@Nullable String setting, String key) {
    if (setting == null) {
      return null;
    }
    for (String entry : setting.split(",", -1)) {
      int equals = entry.lastIndexOf('=');
      if (equals > 0 && entry.substring(0, equals).equals(key)) {
        return valueOf(entry.substring(equals + 1));
      }
    }
    return null;
  }
}
