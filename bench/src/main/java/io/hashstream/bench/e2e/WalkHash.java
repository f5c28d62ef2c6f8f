package io.hashstream.bench.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The plain in-process Java walk + hash a user would write instead of the pipeline: walk the tree
 * ({@link Files#walkFileTree}), hand every regular file to a pool of N threads as it is found, each
 * with its own {@code MessageDigest} (SHA-256) and 64 KiB heap buffer. Timed from the start of the
 * walk to the last digest, in the JVM (start-up not included), with the JVM's default flags.
 *
 * <p>{@code walk-hash DIR THREADS}
 */
final class WalkHash {
  private WalkHash() {}

  static void run(String[] args) throws Exception {
    Path root = Path.of(E2e.arg(args, 0, "DIR"));
    int threads = E2e.intArg(args, 1, "THREADS");
    ThreadLocal<Worker> workers = ThreadLocal.withInitial(Worker::new);
    long started = System.nanoTime();
    List<Future<Long>> sizes = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
              if (attributes.isRegularFile()) {
                sizes.add(pool.submit(() -> workers.get().hash(file)));
              }
              return FileVisitResult.CONTINUE;
            }
          });
      long bytes = 0;
      for (Future<Long> size : sizes) {
        bytes += size.get();
      }
      E2e.emit("seconds", Trees.seconds(started));
      E2e.emit("files", sizes.size());
      E2e.emit("bytes", bytes);
    }
  }

  /** One thread's digest and buffer. */
  private static final class Worker {
    private final MessageDigest digest;
    private final byte[] buffer = new byte[64 * 1024];
    private final ByteBuffer wrapped = ByteBuffer.wrap(buffer);

    Worker() {
      try {
        digest = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JDK has SHA-256", e);
      }
    }

    long hash(Path file) {
      long total = 0;
      try (FileChannel channel = FileChannel.open(file)) {
        digest.reset();
        while (true) {
          wrapped.clear();
          int read = channel.read(wrapped);
          if (read < 0) {
            break;
          }
          digest.update(buffer, 0, read);
          total += read;
        }
        byte[] _ = digest.digest();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return total;
    }
  }
}
