package io.hashstream.bench;

import io.hashstream.consumer.internal.FileHashing;
import io.hashstream.consumer.internal.HashOutcome;
import io.hashstream.nativeio.FileOpener;
import io.hashstream.nativeio.RootDirectory;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The consumer's real hashing path, the code {@code HashingConsumer} runs for each event: {@link
 * FileHashing#hash} opens the file beneath its root (a {@link RootDirectory}), reads its state,
 * hashes it with {@code FileHasher} (SHA-256 alone) through the opener's buffers, and reads its
 * state again. One operation is one file.
 *
 * <ul>
 *   <li>{@link #consumer}: {@link FileOpener#forThisPlatform()}, what the consumer uses here;
 *   <li>{@link #linuxOpener}: {@link FileOpener#linux()} named explicitly ({@code openat2}, {@code
 *       statx}, reopen, {@code pread} 256 KiB into native memory, copied to the digest in 64 KiB
 *       pieces). Where the platform opener is this one, the two run the same code, and their
 *       difference is the run's noise;
 *   <li>{@link #javaOpener}: {@link FileOpener#java()}, the checked Java path (lstat, {@code
 *       FileChannel.open}, reads into a 64 KiB heap array).
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms512m", "-Xmx512m"})
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
@Threads(1)
@State(Scope.Thread)
@SuppressWarnings("NullAway.Init") // JMH calls setUp before any benchmark method
public class ConsumerPathBenchmark {
  /** What the consumer knows of the file from the event; nothing here, so no staleness wait. */
  private static final FileHashing.Expected ANY = new FileHashing.Expected(null, null, null);
  /** Never set: the consumer's cancellation check, read per buffer as the consumer reads it. */
  private static final java.util.concurrent.atomic.AtomicBoolean CANCELLED =
      new java.util.concurrent.atomic.AtomicBoolean();

  private RootDirectory root;
  private FileHashing platform;
  private FileHashing linux;
  private FileHashing java;

  @Setup(Level.Trial)
  public void setUp(FileSet files, BenchmarkParams params)
      throws IOException, InterruptedException {
    root = RootDirectory.open(files.root().toRealPath());
    // As the consumer's hashing threads build it: every read buffer is shown to a watch that asks
    // whether the file's hash was cancelled.
    platform =
        new FileHashing(
            FileOpener.forThisPlatform(),
            bytes -> {
              if (CANCELLED.get()) {
                throw new java.util.concurrent.CancellationException();
              }
            });
    linux =
        new FileHashing(
            FileOpener.linux()
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            "the native opener cannot run here: "
                                + FileOpener.nativeUnavailable().orElse("?"))));
    java = new FileHashing(FileOpener.java());
    System.out.println("consumer opener here: " + platform.description());
    String benchmark = params.getBenchmark();
    byte[] digest =
        switch (benchmark.substring(benchmark.lastIndexOf('.') + 1)) {
          case "consumer" -> consumer(files);
          case "linuxOpener" -> linuxOpener(files);
          case "javaOpener" -> javaOpener(files);
          default -> throw new IllegalStateException("no check for " + benchmark);
        };
    files.checkLastAndRewind(benchmark, digest);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    platform.close();
    linux.close();
    java.close();
    root.close();
  }

  @Benchmark
  public byte[] consumer(FileSet files) throws InterruptedException {
    return digest(platform.hash(root, files.nextPath(), ANY));
  }

  @Benchmark
  public byte[] linuxOpener(FileSet files) throws InterruptedException {
    return digest(linux.hash(root, files.nextPath(), ANY));
  }

  @Benchmark
  public byte[] javaOpener(FileSet files) throws InterruptedException {
    return digest(java.hash(root, files.nextPath(), ANY));
  }

  private static byte[] digest(HashOutcome outcome) {
    if (outcome instanceof HashOutcome.Hashed hashed) {
      return hashed.digest();
    }
    throw new IllegalStateException("a corpus file was not hashed: " + outcome);
  }
}
