package io.hashstream.bench;

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
 * The {@link OpenerPrototype} variants, one file per operation: what two proposed changes to the
 * consumer's native opener would save on small files. {@link #prototypeAsConsumer} is the baseline
 * (the consumer's system calls re-created here; compare it with {@code ConsumerPathBenchmark}'s
 * {@code consumer} to see how faithful the re-creation is).
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
public class OpenerPrototypeBenchmark {
  private OpenerPrototype opener;

  @Setup(Level.Trial)
  public void setUp(FileSet files, BenchmarkParams params) throws IOException {
    String benchmark = params.getBenchmark();
    String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
    OpenerPrototype.Variant variant =
        switch (method) {
          case "prototypeAsConsumer" -> OpenerPrototype.Variant.AS_CONSUMER;
          case "prototypeProcFdDirectory" -> OpenerPrototype.Variant.PROC_FD_DIRECTORY;
          case "prototypeStopAtSize" -> OpenerPrototype.Variant.STOP_AT_SIZE;
          default -> throw new IllegalStateException("no variant for " + benchmark);
        };
    opener = new OpenerPrototype(variant, files.root().toRealPath().toString());
    files.checkLastAndRewind(benchmark, opener.hash(files.nextPath()));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    opener.close();
  }

  @Benchmark
  public byte[] prototypeAsConsumer(FileSet files) throws IOException {
    return opener.hash(files.nextPath());
  }

  @Benchmark
  public byte[] prototypeProcFdDirectory(FileSet files) throws IOException {
    return opener.hash(files.nextPath());
  }

  @Benchmark
  public byte[] prototypeStopAtSize(FileSet files) throws IOException {
    return opener.hash(files.nextPath());
  }
}
