package io.hashstream.bench.e2e;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The trees the pipeline and the reference tools hash: pseudo-random content (seeded), written
 * into directories that must not exist yet (fresh directories each run: on ext4, re-creating 100k
 * files right after deleting them is many times slower than creating them in new directories).
 */
final class Trees {
  private static final int POOL = 4 << 20;

  private Trees() {}

  /** {@code tree DIR FILES DIRECTORIES MIN_BYTES MAX_BYTES SEED}: small files spread evenly. */
  static void smallFiles(String[] args) throws Exception {
    Path root = Path.of(E2e.arg(args, 0, "DIR"));
    int files = E2e.intArg(args, 1, "FILES");
    int directories = E2e.intArg(args, 2, "DIRECTORIES");
    int min = E2e.intArg(args, 3, "MIN_BYTES");
    int max = E2e.intArg(args, 4, "MAX_BYTES");
    long seed = E2e.longArg(args, 5, "SEED");
    Files.createDirectories(root.getParent());
    Files.createDirectory(root);
    byte[] pool = pool(seed);
    long started = System.nanoTime();
    AtomicLong bytes = new AtomicLong();
    int threads = Runtime.getRuntime().availableProcessors();
    try (ExecutorService workers = Executors.newFixedThreadPool(threads)) {
      List<Future<?>> done = new ArrayList<>();
      for (int d = 0; d < directories; d++) {
        int directory = d;
        done.add(
            workers.submit(
                () -> {
                  SplittableRandom random = new SplittableRandom(seed * 31 + directory);
                  Path dir = root.resolve(String.format(Locale.ROOT, "d%03d", directory));
                  try {
                    Files.createDirectory(dir);
                    for (int f = directory; f < files; f += directories) {
                      int size = random.nextInt(min, max + 1);
                      int offset = random.nextInt(POOL - size);
                      try (OutputStream out =
                          Files.newOutputStream(dir.resolve(String.format(Locale.ROOT, "f%06d.bin", f)))) {
                        out.write(pool, offset, size);
                      }
                      bytes.addAndGet(size);
                    }
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                }));
      }
      for (Future<?> future : done) {
        future.get();
      }
    }
    E2e.emit("files", files);
    E2e.emit("bytes", bytes.get());
    E2e.emit("seconds", seconds(started));
  }

  /** {@code large DIR FILES MIB SEED}: large files of MIB MiB each. */
  static void largeFiles(String[] args) throws Exception {
    Path root = Path.of(E2e.arg(args, 0, "DIR"));
    int files = E2e.intArg(args, 1, "FILES");
    int mib = E2e.intArg(args, 2, "MIB");
    long seed = E2e.longArg(args, 3, "SEED");
    Files.createDirectories(root.getParent());
    Files.createDirectory(root);
    byte[] pool = pool(seed);
    SplittableRandom random = new SplittableRandom(seed);
    long started = System.nanoTime();
    for (int f = 0; f < files; f++) {
      try (OutputStream out =
          Files.newOutputStream(root.resolve(String.format(Locale.ROOT, "large-%03d.bin", f)))) {
        for (int m = 0; m < mib; m++) {
          out.write(pool, random.nextInt(POOL - (1 << 20)), 1 << 20);
        }
      }
    }
    E2e.emit("files", files);
    E2e.emit("bytes", ((long) files * mib) << 20);
    E2e.emit("seconds", seconds(started));
  }

  private static byte[] pool(long seed) {
    byte[] pool = new byte[POOL];
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < POOL; i += 8) {
      long value = random.nextLong();
      for (int b = 0; b < 8; b++) {
        pool[i + b] = (byte) (value >>> (8 * b));
      }
    }
    return pool;
  }

  static String seconds(long startedNanos) {
    return String.format(Locale.ROOT, "%.3f", (System.nanoTime() - startedNanos) / 1e9);
  }
}
