package io.hashstream.bench;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.security.DigestException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;
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
 * SHA-256 of one block in memory, no file: what {@code openssl speed -evp sha256 -bytes 16384}
 * times (a whole digest per block: init, update, final), for the JDK's {@code MessageDigest} (its
 * SHA-256 intrinsic) and for OpenSSL's own code called through the FFM API. The second should match
 * {@code openssl speed}: a check of the CPU-time method.
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
@SuppressWarnings("NullAway.Init") // JMH sets the parameter and calls setUp
public class CpuLimitBenchmark {
  @Param({"16K"})
  public String block;

  private final MessageDigest digest = Corpus.sha256();
  private final byte[] javaOut = new byte[32];
  private byte[] heapBlock;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment nativeOut = arena.allocate(32);
  private MemorySegment nativeBlock;

  @Setup(Level.Trial)
  public void setUp() throws DigestException {
    int bytes =
        switch (block) {
          case "16K" -> 16 << 10;
          case "64K" -> 64 << 10;
          default -> throw new IllegalArgumentException("no block size " + block);
        };
    heapBlock = new byte[bytes];
    SplittableRandom random = new SplittableRandom(bytes);
    random.nextBytes(heapBlock);
    nativeBlock = arena.allocate(bytes, 64);
    MemorySegment.copy(heapBlock, 0, nativeBlock, JAVA_BYTE, 0, bytes);
    String java = HexFormat.of().formatHex(jdk());
    String openssl = HexFormat.of().formatHex(openSsl().toArray(JAVA_BYTE));
    if (!java.equals(openssl)) {
      throw new IllegalStateException("the JDK computed " + java + ", OpenSSL " + openssl);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    arena.close();
  }

  /**
   * The JDK's SHA-256: {@code DigestBase.implCompressMultiBlock0}, an intrinsic where the CPU has
   * one.
   */
  @Benchmark
  public byte[] jdk() throws DigestException {
    digest.update(heapBlock);
    digest.digest(javaOut, 0, javaOut.length);
    return javaOut;
  }

  /** OpenSSL's {@code EVP_Digest} on native memory, as {@code openssl speed -evp} runs it. */
  @Benchmark
  public MemorySegment openSsl() {
    LibCrypto.digest(nativeBlock, nativeOut);
    return nativeOut;
  }
}
