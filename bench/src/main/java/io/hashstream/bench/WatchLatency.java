package io.hashstream.bench;

import io.hashstream.producer.WatchedRoot;
import io.hashstream.producer.Watching;
import io.hashstream.producer.internal.Failures;
import io.hashstream.producer.internal.ProducerMetrics;
import io.hashstream.producer.internal.RootGuard;
import io.hashstream.producer.internal.RootSpec;
import io.hashstream.producer.internal.source.ChangeSink;
import io.hashstream.producer.internal.source.ChangeSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Detection latency of a change source against {@code inotifywait -m} on the same writes: from a
 * file's close, on the writing thread, to the moment the source hands the path to its sink, and to
 * the moment {@code inotifywait}'s line for it is read from its pipe (the last report of each file
 * counts: the source also reports its creation). Both watch the same directory
 * at once; the writer paces its files so that the figure is latency, not a queue draining.
 *
 * <pre>
 * WatchLatency DIRECTORY FILES INTERVAL_MICROS inotify|jdk
 * </pre>
 *
 * Prints one row per watcher: p50, p90, p99 and max in microseconds, and how many events it missed.
 */
public final class WatchLatency {
  private static final String PREFIX = "w";

  private WatchLatency() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println("usage: WatchLatency DIRECTORY FILES INTERVAL_MICROS inotify|jdk");
      System.exit(2);
    }
    Path directory = Files.createDirectories(Path.of(args[0]));
    int files = Integer.parseInt(args[1]);
    long intervalNanos = TimeUnit.MICROSECONDS.toNanos(Long.parseLong(args[2]));
    String kind = args[3];

    AtomicLongArray closed = new AtomicLongArray(files);
    AtomicLongArray bySource = new AtomicLongArray(files);
    AtomicLongArray byInotifywait = new AtomicLongArray(files);

    Process inotifywait =
        new ProcessBuilder("inotifywait", "-m", "-e", "close_write", "--format", "%f", directory.toString()).start();
    Thread reader = Thread.ofPlatform().name("inotifywait-reader").start(() -> readLines(inotifywait, byInotifywait));
    awaitEstablished(inotifywait);

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ProducerMetrics metrics = new ProducerMetrics(registry);
    Failures failures = new Failures();
    List<RootSpec> roots = List.of(RootSpec.of(WatchedRoot.of("r", directory)));
    ChangeSink sink =
        new ChangeSink() {
          @Override
          public void pathChanged(String root, String path) {
            record(path, bySource);
          }

          @Override
          public void directoryListed(
              String root, String relative, List<ChangeSink.Listed> listed, List<String> subdirectories) {}
        };
    ChangeSource.Reconciliation never = new ChangeSource.Reconciliation(Duration.ofDays(1), Duration.ofDays(1));
    RootGuard guard = RootGuard.inMemory(metrics);
    try (ChangeSource source =
        switch (kind) {
          case "inotify" -> ChangeSource.inotify(roots, sink, never, Watching.DEFAULT, guard, metrics, failures);
          case "jdk" -> ChangeSource.watchService(roots, sink, never, guard, metrics, failures);
          default -> throw new IllegalArgumentException("the source is inotify or jdk, not " + kind);
        }) {
      source.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!source.initialScanDone() && System.nanoTime() < deadline) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      }
      ByteBuffer content = ByteBuffer.wrap("x".getBytes(StandardCharsets.UTF_8));
      long next = System.nanoTime();
      for (int i = 0; i < files; i++) {
        LockSupport.parkNanos(next - System.nanoTime());
        try (FileChannel file =
            FileChannel.open(directory.resolve(name(i)), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          file.write(content.rewind());
        }
        closed.set(i, System.nanoTime());
        next += intervalNanos;
      }
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while ((count(bySource) < files || count(byInotifywait) < files) && System.nanoTime() < deadline) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      }
      if (failures.failure() != null) {
        throw new IllegalStateException("the source failed", failures.failure());
      }
    } finally {
      inotifywait.destroy();
      reader.join(TimeUnit.SECONDS.toMillis(10));
    }
    System.out.println("| watcher | files | p50 µs | p90 µs | p99 µs | max µs | missed |");
    System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    row("hashstream " + kind + " source (close → sink)", closed, bySource);
    row("inotifywait -m (close → line read)", closed, byInotifywait);
  }

  private static String name(int i) {
    return String.format(Locale.ROOT, "%s%07d", PREFIX, i);
  }

  private static void record(String path, AtomicLongArray arrivals) {
    long now = System.nanoTime();
    if (!path.startsWith(PREFIX) || path.length() != PREFIX.length() + 7) {
      return;
    }
    int i;
    try {
      i = Integer.parseInt(path, PREFIX.length(), path.length(), 10);
    } catch (NumberFormatException e) {
      return;
    }
    if (i < arrivals.length()) {
      // The last report counts: a source reports the create, the writes and the close of a file,
      // and the close is what the latency is measured from.
      arrivals.set(i, now);
    }
  }

  private static void readLines(Process process, AtomicLongArray arrivals) {
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        record(line.strip(), arrivals);
      }
    } catch (IOException e) {
      // The process was stopped: what was read is what counts.
    }
  }

  /** inotifywait says on stderr when its watches are in place. */
  private static void awaitEstablished(Process process) throws IOException {
    BufferedReader errors = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
    for (String line = errors.readLine(); line != null; line = errors.readLine()) {
      if (line.contains("Watches established")) {
        return;
      }
    }
    throw new IOException("inotifywait ended before its watches were established");
  }

  private static int count(AtomicLongArray arrivals) {
    int n = 0;
    for (int i = 0; i < arrivals.length(); i++) {
      if (arrivals.get(i) != 0) {
        n++;
      }
    }
    return n;
  }

  private static void row(String watcher, AtomicLongArray closed, AtomicLongArray arrivals) {
    long[] micros = new long[closed.length()];
    int seen = 0;
    for (int i = 0; i < closed.length(); i++) {
      if (arrivals.get(i) != 0) {
        // An event read before the writer noted its close has a latency of zero.
        micros[seen++] = Math.max(0, TimeUnit.NANOSECONDS.toMicros(arrivals.get(i) - closed.get(i)));
      }
    }
    long[] sorted = Arrays.copyOf(micros, seen);
    Arrays.sort(sorted);
    System.out.printf(
        Locale.ROOT,
        "| %s | %d | %d | %d | %d | %d | %d |%n",
        watcher,
        closed.length(),
        percentile(sorted, 0.50),
        percentile(sorted, 0.90),
        percentile(sorted, 0.99),
        sorted.length == 0 ? 0 : sorted[sorted.length - 1],
        closed.length() - seen);
  }

  private static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  }
}
