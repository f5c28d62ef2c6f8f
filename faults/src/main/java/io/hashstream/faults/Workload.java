package io.hashstream.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Changes under one root, seeded and repeatable: files created, rewritten (same size and other
 * sizes), appended, renamed (files and whole directories), deleted, at a steady rate with bursts;
 * empty and multi-MiB files among them. Beside them, in {@code stable/}, files that exist unchanged
 * throughout: what the live reader holds the table to while the faults last.
 *
 * <p>One thread, its own, makes the changes between {@link #start} and {@link #stop}.
 */
final class Workload {
  /** How much and how fast. */
  record Scale(int stableFiles, int initialFiles, int directories, int opsPerSecond, int burstEvery, int burstSize) {
    static final Scale QUICK = new Scale(50, 150, 8, 40, 40, 150);
    static final Scale FULL = new Scale(200, 600, 20, 60, 60, 300);
  }

  private static final int MIB = 1 << 20;

  private final Path root;
  private final Random random;
  private final Scale scale;
  private final List<Path> files = new ArrayList<>();
  private final List<Path> directories = new ArrayList<>();
  private final AtomicLong operations = new AtomicLong();
  private final Map<String, String> stable = new HashMap<>();
  private volatile boolean running;
  private @Nullable Thread thread;
  private @Nullable RuntimeException failure;
  private int names;

  Workload(Path root, long seed, Scale scale) {
    this.root = root;
    this.random = new Random(seed);
    this.scale = scale;
  }

  /** Creates the starting tree: the stable files and the first mutable ones. */
  Workload seed() throws IOException {
    Path stableDirectory = Files.createDirectories(root.resolve("stable"));
    for (int i = 0; i < scale.stableFiles(); i++) {
      Path file = stableDirectory.resolve("s" + i + ".bin");
      write(file, size(), false);
      stable.put(key(file), sha256(file));
    }
    for (int i = 0; i < scale.directories(); i++) {
      directories.add(Files.createDirectories(root.resolve("m").resolve("d" + i)));
    }
    for (int i = 0; i < scale.initialFiles(); i++) {
      create();
    }
    return this;
  }

  /** The digest of every stable file, by key. */
  Map<String, String> stable() {
    return Map.copyOf(stable);
  }

  /** Changes made so far (the seed not counted). */
  long operations() {
    return operations.get();
  }

  String rootName() {
    return "w";
  }

  Path root() {
    return root;
  }

  String key(Path file) {
    return rootName() + "/" + root.relativize(file).toString();
  }

  void start() {
    running = true;
    thread = Thread.ofPlatform().name("workload").start(this::run);
  }

  /** Stops changing the tree and returns once the last change is on disk. */
  void stop() throws InterruptedException {
    running = false;
    Thread current = thread;
    if (current != null) {
      current.join();
      thread = null;
    }
    RuntimeException failed = failure;
    if (failed != null) {
      throw failed;
    }
  }

  private void run() {
    long period = 1_000_000_000L / scale.opsPerSecond();
    long next = System.nanoTime();
    int sinceBurst = 0;
    try {
      while (running) {
        if (++sinceBurst >= scale.burstEvery()) {
          sinceBurst = 0;
          for (int i = 0; i < scale.burstSize() && running; i++) {
            change();
          }
        } else {
          change();
        }
        next += period;
        long wait = next - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
      }
    } catch (IOException e) {
      failure = new UncheckedIOException("the workload could not change " + root, e);
    } catch (RuntimeException e) {
      failure = e;
    }
  }

  private void change() throws IOException {
    operations.incrementAndGet();
    int dice = random.nextInt(100);
    if (files.size() < 20 || dice < 25) {
      create();
    } else if (dice < 40) {
      Path file = pick();
      write(file, Files.size(file), false); // rewritten, same size
    } else if (dice < 55) {
      write(pick(), size(), false); // rewritten, another size
    } else if (dice < 65) {
      write(pick(), 1 + random.nextInt(4096), true); // appended
    } else if (dice < 78) {
      renameFile();
    } else if (dice < 80) {
      renameDirectory();
    } else {
      Path file = files.remove(random.nextInt(files.size()));
      Files.delete(file);
    }
  }

  private Path pick() {
    return files.get(random.nextInt(files.size()));
  }

  private void create() throws IOException {
    Path directory = directories.get(random.nextInt(directories.size()));
    Path file = directory.resolve("f" + names++ + ".bin");
    write(file, size(), false);
    files.add(file);
  }

  private void renameFile() throws IOException {
    int index = random.nextInt(files.size());
    Path from = files.get(index);
    Path to = directories.get(random.nextInt(directories.size())).resolve("f" + names++ + ".bin");
    Files.move(from, to);
    files.set(index, to);
  }

  /** A whole directory of files moved to a new name: every path under it changes at once. */
  private void renameDirectory() throws IOException {
    int index = random.nextInt(directories.size());
    Path from = directories.get(index);
    Path to = from.resolveSibling("d" + names++);
    try {
      Files.move(from, to);
    } catch (FileAlreadyExistsException | DirectoryNotEmptyException | NoSuchFileException e) {
      throw new IOException("renaming " + from + " to " + to, e);
    }
    directories.set(index, to);
    for (int i = 0; i < files.size(); i++) {
      Path file = files.get(i);
      if (file.startsWith(from)) {
        files.set(i, to.resolve(from.relativize(file)));
      }
    }
  }

  /** Mostly small, some empty, a few of several MiB. */
  private long size() {
    int dice = random.nextInt(1000);
    if (dice < 30) {
      return 0;
    }
    if (dice < 36) {
      return 2L * MIB + random.nextInt(3 * MIB);
    }
    return 1L + random.nextInt(16 * 1024);
  }

  private void write(Path file, long size, boolean append) throws IOException {
    byte[] chunk = new byte[(int) Math.min(size, 64 * 1024)];
    try (OutputStream out =
        Files.newOutputStream(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
      for (long left = size; left > 0; left -= chunk.length) {
        random.nextBytes(chunk);
        out.write(chunk, 0, (int) Math.min(left, chunk.length));
      }
    }
  }

  /** The SHA-256 of every regular file under the root, by key: the truth the table must equal. */
  Map<String, String> tree() throws IOException {
    Map<String, String> digests = new HashMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path file : walk.filter(path -> Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)).toList()) {
        digests.put(key(file), sha256(file));
      }
    }
    return digests;
  }

  static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(file)) {
      for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
        digest.update(buffer, 0, read);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
