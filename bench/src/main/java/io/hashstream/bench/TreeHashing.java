package io.hashstream.bench;

import io.hashstream.consumer.internal.FileHashing;
import io.hashstream.consumer.internal.HashOutcome;
import io.hashstream.nativeio.FileOpener;
import io.hashstream.nativeio.RootDirectory;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import one.profiler.AsyncProfiler;
import one.profiler.Counter;

/**
 * The consumer's hashing path over a whole tree, for a profile: every regular file under the root,
 * through {@link FileHashing} with {@link FileOpener#forThisPlatform()} on one thread, round after
 * round. After a warm-up it profiles the measured rounds with async-profiler ({@code event=cpu}, an
 * HTML flame graph and the collapsed stacks), or with JFR where async-profiler cannot load.
 *
 * <pre>{@code
 * java --enable-native-access=ALL-UNNAMED -cp ... io.hashstream.bench.TreeHashing \
 *     ROOT WARMUP_SECONDS SECONDS OUTPUT_PREFIX
 * }</pre>
 *
 * writes {@code OUTPUT_PREFIX.html} and {@code OUTPUT_PREFIX.collapsed} (or {@code
 * OUTPUT_PREFIX.jfr}), and prints what it hashed, per CPU second of the hashing thread.
 */
public final class TreeHashing {
  private TreeHashing() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println("usage: TreeHashing ROOT WARMUP_SECONDS SECONDS OUTPUT_PREFIX");
      System.exit(2);
    }
    Path root = Path.of(args[0]).toRealPath();
    Duration warmup = Duration.ofSeconds(Long.parseLong(args[1]));
    Duration measured = Duration.ofSeconds(Long.parseLong(args[2]));
    String output = args[3];
    List<String> files = regularFiles(root);
    try (RootDirectory directory = RootDirectory.open(root);
        FileHashing hashing = new FileHashing(FileOpener.forThisPlatform())) {
      System.out.println("opener: " + hashing.description());
      System.out.println("tree: " + root + ", " + files.size() + " files");
      hashFor(hashing, directory, files, warmup);
      Profile profile = Profile.start(output);
      Totals totals = hashFor(hashing, directory, files, measured);
      String written = profile.stop();
      System.out.println(
          String.format(
              Locale.ROOT,
              "hashed: %d files, %d bytes, %.2f CPU s of the hashing thread: %.3f GB/s, %.0f"
                  + " files/s per CPU second",
              totals.files,
              totals.bytes,
              totals.cpuNanos / 1e9,
              totals.bytes / (double) totals.cpuNanos,
              totals.files / (totals.cpuNanos / 1e9)));
      System.out.println("profile: " + written);
    }
  }

  private static List<String> regularFiles(Path root) throws IOException {
    List<String> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root)) {
      walk.filter(path -> Files.isRegularFile(path))
          .sorted()
          .forEach(path -> files.add(root.relativize(path).toString().replace('\\', '/')));
    }
    return files;
  }

  private static final class Totals {
    long files;
    long bytes;
    long cpuNanos;
  }

  /** Hashes the files in turn, whole rounds, until {@code duration} has passed. */
  private static Totals hashFor(
      FileHashing hashing, RootDirectory root, List<String> files, Duration duration)
      throws InterruptedException {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Totals totals = new Totals();
    long cpuStart = threads.getCurrentThreadCpuTime();
    long deadline = System.nanoTime() + duration.toNanos();
    do {
      for (String file : files) {
        HashOutcome outcome = hashing.hash(root, file, new FileHashing.Expected(null, null, null));
        if (!(outcome instanceof HashOutcome.Hashed hashed)) {
          throw new IllegalStateException(file + " was not hashed: " + outcome);
        }
        totals.files++;
        totals.bytes += hashed.state().size();
      }
    } while (System.nanoTime() < deadline);
    totals.cpuNanos = threads.getCurrentThreadCpuTime() - cpuStart;
    return totals;
  }

  /** async-profiler where it loads, else a JFR recording. */
  private sealed interface Profile {
    /** Stops and writes the profile; says what it wrote. */
    String stop() throws IOException;

    static Profile start(String output) throws IOException {
      try {
        AsyncProfiler profiler = AsyncProfiler.getInstance();
        // cpu: perf_events where the kernel allows them, else a CPU timer; one sample per ms.
        String started = profiler.execute("start,event=cpu,interval=1ms,threads");
        System.out.println("async-profiler " + profiler.getVersion() + ": " + started.strip());
        return new Async(profiler, output);
      } catch (UnsatisfiedLinkError | IllegalStateException | IOException e) {
        System.out.println(
            "async-profiler cannot run here (" + e + "); recording with JFR instead");
        return Jfr.start(output);
      }
    }
  }

  private record Async(AsyncProfiler profiler, String output) implements Profile {
    @Override
    public String stop() throws IOException {
      profiler.execute("stop,file=" + output + ".html,title=hashstream consumer hashing a tree");
      String collapsed = profiler.dumpCollapsed(Counter.SAMPLES);
      Files.writeString(Path.of(output + ".collapsed"), collapsed, StandardCharsets.UTF_8);
      return output + ".html, " + output + ".collapsed (" + profiler.getSamples() + " samples)";
    }
  }

  private record Jfr(Recording recording, String output) implements Profile {
    static Jfr start(String output) throws IOException {
      Recording recording;
      try {
        recording = new Recording(Configuration.getConfiguration("profile"));
      } catch (ParseException e) {
        throw new IOException("the JDK's JFR profile settings cannot be read", e);
      }
      recording.start();
      return new Jfr(recording, output);
    }

    @Override
    public String stop() throws IOException {
      recording.stop();
      recording.dump(Path.of(output + ".jfr"));
      recording.close();
      return output + ".jfr";
    }
  }
}
