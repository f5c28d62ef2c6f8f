package io.hashstream.bench;

import io.hashstream.consumer.HashAlgorithm;
import io.hashstream.consumer.internal.FileHasher;
import io.hashstream.consumer.internal.FileHashing;
import io.hashstream.consumer.internal.HashOutcome;
import io.hashstream.nativeio.FileOpener;
import io.hashstream.nativeio.OpenOutcome;
import io.hashstream.nativeio.RootDirectory;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Each digest algorithm the consumer offers, on the consumer's read path: the platform opener opens
 * the file beneath its root and feeds its read buffers to the digest. One operation is one file.
 *
 * <ul>
 *   <li>{@link #alone}: one algorithm's digest alone, fed by the opener (what {@code FileHashing}
 *       does, less the state rechecks), for a row per algorithm;
 *   <li>{@link #together}: {@code FileHashing.hash} configured with the {@code +}-joined
 *       algorithms, all fed from the same read buffers: its CPU time against the sum of the
 *       algorithms' {@code alone} times shows what a further algorithm costs.
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
@SuppressWarnings("NullAway.Init") // JMH sets the parameter and calls setUp before any benchmark
public class AlgorithmBenchmark {
  private static final FileHashing.Expected ANY = new FileHashing.Expected(null, null, null);

  /** An algorithm's standard name, or several joined by {@code +} (SHA-256 first) for together. */
  @Param({"SHA-256"})
  public String algorithms;

  private RootDirectory root;
  private FileOpener opener;
  private MessageDigest digest;
  private FileHashing hashing;

  @Setup(Level.Trial)
  public void setUp(FileSet files) throws IOException, InterruptedException {
    root = RootDirectory.open(files.root().toRealPath());
    List<HashAlgorithm> list =
        java.util.Arrays.stream(algorithms.split("\\+", -1)).map(HashAlgorithm::named).toList();
    opener = FileOpener.forThisPlatform();
    digest = FileHasher.create(list.getFirst());
    // The consumer always hashes SHA-256 first: another algorithm is measured alone only.
    boolean consumerList = list.getFirst() == HashAlgorithm.FIRST;
    hashing =
        new FileHashing(
            FileOpener.forThisPlatform(), consumerList ? list : List.of(HashAlgorithm.FIRST), bytes -> {});
    if (consumerList) {
      files.checkLastAndRewind("alone " + algorithms, alone(files));
      files.checkLastAndRewind("together " + algorithms, together(files));
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    hashing.close();
    opener.close();
    root.close();
  }

  @Benchmark
  public byte[] alone(FileSet files) throws IOException {
    String path = files.nextPath();
    OpenOutcome outcome = opener.open(root, path);
    if (!(outcome instanceof OpenOutcome.Opened(var file))) {
      throw new IllegalStateException("a corpus file did not open: " + outcome);
    }
    try (file) {
      digest.reset();
      file.update(digest);
      return digest.digest();
    }
  }

  @Benchmark
  public byte[] together(FileSet files) throws InterruptedException {
    HashOutcome outcome = hashing.hash(root, files.nextPath(), ANY);
    if (outcome instanceof HashOutcome.Hashed hashed) {
      return hashed.digest();
    }
    throw new IllegalStateException("a corpus file was not hashed: " + outcome);
  }
}
