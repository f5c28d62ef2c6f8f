package io.hashstream.producer.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether each root is the tree it was: a root whose directory is missing, or is not the directory
 * of the file system where it was seen while healthy (an unmounted volume, an empty mountpoint, a
 * volume not mounted yet, another volume mounted there), is <b>held</b>: nothing is published for
 * it, so an unmounted disk is never a mass delete. When the same directory of the same file system
 * is back, the root is healthy again and a full scan diffs it as at a start.
 *
 * <p>What was seen while healthy is kept in {@code roots.properties} in the state directory, so a
 * producer started on an empty mountpoint knows it is not the tree. A root seen for the first time
 * (or whose configured directory changed) is taken as it is. Thread-safe: the watcher checks, the
 * tracker asks.
 */
public final class RootGuard {
  private static final Logger LOG = LoggerFactory.getLogger(RootGuard.class);
  private static final String FILE = "roots.properties";

  /** What a check found. */
  public enum Check {
    HEALTHY,
    HELD,
    /** Held until this check, healthy now: its tree is to be scanned again. */
    RESUMED
  }

  private record Known(Path directory, RootIdentity identity) {}

  private final @Nullable Path stateFile;
  private final ProducerMetrics metrics;
  /** Guarded by {@code this}. */
  private final Map<String, Known> known;
  private final Map<String, String> held = new ConcurrentHashMap<>();

  private RootGuard(@Nullable Path stateFile, Map<String, Known> known, ProducerMetrics metrics) {
    this.stateFile = stateFile;
    this.known = known;
    this.metrics = metrics;
  }

  /**
   * A guard that keeps what it saw in {@code stateDirectory}, or in memory only if it is null.
   *
   * @throws IOException if the state directory cannot be made or its file cannot be read
   */
  public static RootGuard open(@Nullable Path stateDirectory, ProducerMetrics metrics) throws IOException {
    if (stateDirectory == null) {
      return inMemory(metrics);
    }
    Files.createDirectories(stateDirectory);
    Path file = stateDirectory.resolve(FILE);
    return new RootGuard(file, load(file), metrics);
  }

  /** A guard that knows the roots while this process runs only. */
  public static RootGuard inMemory(ProducerMetrics metrics) {
    return new RootGuard(null, new HashMap<>(), metrics);
  }

  private static Map<String, Known> load(Path file) throws IOException {
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      properties.load(in);
    } catch (NoSuchFileException e) {
      return new HashMap<>();
    }
    Map<String, Known> known = new HashMap<>();
    for (String name : properties.stringPropertyNames()) {
      if (!name.endsWith(".directory")) {
        continue;
      }
      String root = name.substring(0, name.length() - ".directory".length());
      try {
        String fileSystem = properties.getProperty(root + ".fileSystem");
        RootIdentity identity =
            new RootIdentity(
                Long.parseLong(properties.getProperty(root + ".device", "")),
                Long.parseLong(properties.getProperty(root + ".inode", "")),
                fileSystem == null || fileSystem.isEmpty() ? null : fileSystem);
        known.put(root, new Known(Path.of(properties.getProperty(name)), identity));
      } catch (NumberFormatException e) {
        LOG.warn("{}: the entry of root '{}' is damaged ({}); the root is taken as it is now", file, root, e.getMessage());
      }
    }
    return known;
  }

  /**
   * Whether {@code root} is still the tree, looked at now: for a delete about to be published, which
   * an unmount seen a moment ago must not let through. Holds it if it is not; never releases it
   * (only {@link #check} does, for the watcher, which then scans it).
   */
  public synchronized boolean confirm(RootSpec root) {
    if (held(root.name())) {
      return false;
    }
    return check(root) != Check.HELD;
  }

  /** Looks at {@code root} now; says so once when it becomes held or healthy again. */
  public synchronized Check check(RootSpec root) {
    String name = root.name();
    Path directory = root.directory();
    RootIdentity now;
    try {
      now = RootIdentity.of(directory);
    } catch (IOException e) {
      return hold(name, directory, "it cannot be examined: " + e.getMessage());
    }
    if (now == null) {
      return hold(name, directory, "its directory is missing");
    }
    Known before = known.get(name);
    if (before == null || !before.directory().equals(directory)) {
      known.put(name, new Known(directory, now));
      save();
      return release(name, directory);
    }
    if (!before.identity().sameAs(now)) {
      return hold(
          name,
          directory,
          "it is not the directory where its files were seen (" + before.identity().describe() + " then, "
              + now.describe() + " now): unmounted, not mounted yet, or another volume");
    }
    if (before.identity().fileSystem() == null && now.fileSystem() != null) {
      known.put(name, new Known(directory, now));
      save();
    }
    return release(name, directory);
  }

  private Check hold(String name, Path directory, String why) {
    String was = held.put(name, why);
    if (!why.equals(was)) {
      LOG.error(
          "root '{}' ({}) is held: {}. Nothing is published for it until it is back, so its files are not"
              + " reported deleted",
          name,
          directory,
          why);
      metrics.heldRoots(held.size());
    }
    return Check.HELD;
  }

  private Check release(String name, Path directory) {
    if (held.remove(name) == null) {
      return Check.HEALTHY;
    }
    LOG.warn("root '{}' ({}) is back: scanning it, and publishing what changed while it was away", name, directory);
    metrics.heldRoots(held.size());
    return Check.RESUMED;
  }

  public boolean held(String root) {
    return held.containsKey(root);
  }

  /** Each held root with why, for {@code /health}; empty when none is. */
  public Map<String, String> heldRoots() {
    return new TreeMap<>(held);
  }

  private void save() {
    Path file = stateFile;
    if (file == null) {
      return;
    }
    Properties properties = new Properties();
    known.forEach(
        (root, seen) -> {
          properties.setProperty(root + ".directory", seen.directory().toString());
          properties.setProperty(root + ".device", Long.toString(seen.identity().device()));
          properties.setProperty(root + ".inode", Long.toString(seen.identity().inode()));
          String fileSystem = seen.identity().fileSystem();
          properties.setProperty(root + ".fileSystem", fileSystem == null ? "" : fileSystem);
        });
    Path temporary = file.resolveSibling(FILE + ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(temporary)) {
        properties.store(out, "hashstream producer: each root's directory as seen while healthy");
      }
      try {
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      // Not fatal: the guard still knows while this process runs; the next start takes roots as they are.
      LOG.warn("cannot write {}: {}; a restart will not know the roots as seen now", file, e.toString());
    }
  }
}
