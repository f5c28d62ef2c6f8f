package io.hashstream.runtime.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JDK 25 ahead-of-time caches (JEP 483, 514, 515) for the runtime's child JVMs: the first start of a
 * service with a given class path and flags trains a cache, written when that JVM exits; every later
 * start uses it. A service never waits for a cache: a start without one runs as usual.
 *
 * <p>The training JVM writes to a temporary name, and the cache is adopted only after the JVM
 * stopped of its own accord: a JVM killed while writing leaves no half-written cache behind.
 */
public final class AotCache {
  private static final Logger LOG = LoggerFactory.getLogger(AotCache.class);

  private final Path directory;

  public AotCache(Path directory) {
    this.directory = directory;
  }

  /** What a child JVM of one service is started with, and what to do once it exited. */
  public sealed interface Plan {
    List<String> jvmFlags();

    /** A cache exists for this exact JVM: use it. */
    record Use(Path cache) implements Plan {
      @Override
      public List<String> jvmFlags() {
        return List.of("-XX:AOTCache=" + cache);
      }
    }

    /** No cache yet: record one during this run. */
    record Train(Path output, Path cache) implements Plan {
      @Override
      public List<String> jvmFlags() {
        return List.of("-XX:AOTCacheOutput=" + output);
      }
    }
  }

  /**
   * Plans the AOT flags of service {@code name}; {@code identity} is everything that makes a cache
   * valid (class path, flags, JDK), so a change of any of them trains a new cache.
   */
  public Plan plan(String name, List<String> identity) throws IOException {
    Files.createDirectories(directory);
    String key = name + "-" + fingerprint(identity) + ".aot";
    Path cache = directory.resolve(key);
    if (Files.isRegularFile(cache) && Files.size(cache) > 0) {
      return new Plan.Use(cache);
    }
    deleteMatching(name + "-*.aot*");
    return new Plan.Train(directory.resolve(key + ".training"), cache);
  }

  /**
   * Adopts or discards a trained cache once its JVM has exited.
   *
   * @param stoppedCleanly whether the JVM exited of its own accord (not killed)
   */
  public void finish(Plan plan, boolean stoppedCleanly) throws IOException {
    switch (plan) {
      case Plan.Use use -> {}
      case Plan.Train train -> {
        if (stoppedCleanly && Files.isRegularFile(train.output()) && Files.size(train.output()) > 0) {
          Files.move(train.output(), train.cache(), StandardCopyOption.ATOMIC_MOVE);
          LOG.info("AOT cache written: {}", train.cache());
        } else {
          Files.deleteIfExists(train.output());
        }
      }
    }
  }

  private void deleteMatching(String glob) throws IOException {
    try (DirectoryStream<Path> stale = Files.newDirectoryStream(directory, glob)) {
      for (Path path : stale) {
        Files.deleteIfExists(path);
      }
    }
  }

  private static String fingerprint(List<String> identity) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (String part : identity) {
        digest.update(part.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
      }
      return HexFormat.of().formatHex(digest.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
