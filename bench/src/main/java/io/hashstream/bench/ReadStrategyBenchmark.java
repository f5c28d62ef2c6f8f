package io.hashstream.bench;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The ways of getting a file's bytes into SHA-256 that the consumer chose between, without the
 * opener's checks (a plain {@link FileChannel#open}): one operation is one whole file.
 *
 * <ul>
 *   <li>{@link #heapArray}: {@code FileChannel.read} into a heap array of {@link HeapBuffer#heap}
 *       bytes, then {@code MessageDigest.update(byte[])}. NIO reads a heap buffer through a
 *       temporary direct buffer, so the bytes are copied twice; {@code FileHasher} does this with
 *       64 KiB;
 *   <li>{@link #directBuffer}: a reused direct buffer, {@code MessageDigest.update(ByteBuffer)}
 *       (the JDK copies a direct buffer to the digest through a temporary array of at most 4 KiB);
 *   <li>{@link #mappedByteBuffer}: the file mapped in 64 MiB windows ({@code FileChannel.map} into
 *       a {@link MemorySegment}, unmapped when its arena closes), given to {@code update} as a
 *       {@code ByteBuffer};
 *   <li>{@link #mappedCopy64K}: the same mapping copied to the digest in 64 KiB heap pieces ({@code
 *       MemorySegment.copy}): one copy, from the page cache to a cache-resident array;
 *   <li>{@link #mappedOpenSsl}: the mapping handed whole to OpenSSL's {@code EVP_Digest} through
 *       the FFM API ({@link LibCrypto}): no copy at all, OpenSSL's SHA-NI code. Not something the
 *       consumer does; it shows what the JDK's intrinsic and the copies cost;
 *   <li>{@link #readOnly}: {@code FileChannel.read} into a 64 KiB heap array and no hashing: the
 *       cost of the reads and copies alone.
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
public class ReadStrategyBenchmark {
  private static final long WINDOW = 64L << 20;
  private static final int PIECE = 64 << 10;

  private final MessageDigest digest = Corpus.sha256();
  private final byte[] piece = new byte[PIECE];
  private final ByteBuffer wrappedPiece = ByteBuffer.wrap(piece);
  private final Arena arena = Arena.ofShared();
  private final MemorySegment nativeDigest = arena.allocate(32);

  /**
   * A heap array of one size, for {@link #heapArray} only (the other benchmarks do not take it, so
   * JMH does not repeat them for each size).
   */
  @State(Scope.Thread)
  @SuppressWarnings("NullAway.Init") // JMH sets the parameter and calls setUp
  public static class HeapBuffer {
    @Param({"16K", "64K", "1M"})
    public String heap;

    private final MessageDigest digest = Corpus.sha256();
    private byte[] array;
    private ByteBuffer wrapped;

    @Setup(Level.Trial)
    public void setUp(FileSet files, BenchmarkParams params) throws IOException {
      array = new byte[bytes(heap)];
      wrapped = ByteBuffer.wrap(array);
      files.checkLastAndRewind(
          params.getBenchmark(), heapArray(digest, files.nextFile(), array, wrapped));
    }
  }

  /** A reused direct buffer of one size, for {@link #directBuffer} only. */
  @State(Scope.Thread)
  @SuppressWarnings("NullAway.Init") // JMH sets the parameter and calls setUp
  public static class DirectBuffer {
    @Param({"64K", "1M"})
    public String direct;

    private final MessageDigest digest = Corpus.sha256();
    private ByteBuffer buffer;

    @Setup(Level.Trial)
    public void setUp(FileSet files, BenchmarkParams params) throws IOException {
      buffer = ByteBuffer.allocateDirect(bytes(direct));
      files.checkLastAndRewind(
          params.getBenchmark(), directBuffer(digest, files.nextFile(), buffer));
    }
  }

  private static int bytes(String size) {
    return switch (size) {
      case "16K" -> 16 << 10;
      case "64K" -> 64 << 10;
      case "256K" -> 256 << 10;
      case "1M" -> 1 << 20;
      default -> throw new IllegalArgumentException("no buffer size " + size);
    };
  }

  @Setup(Level.Trial)
  public void setUp(FileSet files, BenchmarkParams params) throws IOException {
    String benchmark = params.getBenchmark();
    byte @Nullable [] checked =
        switch (method(benchmark)) {
          case "heapArray", "directBuffer" -> null; // checked by HeapBuffer, DirectBuffer
          case "readOnly" -> null; // it does not hash
          case "mappedByteBuffer" -> mappedByteBuffer(files);
          case "mappedCopy64K" -> mappedCopy64K(files);
          case "mappedOpenSsl" -> mappedOpenSsl(files);
          default -> throw new IllegalStateException("no check for " + benchmark);
        };
    if (checked != null) {
      files.checkLastAndRewind(benchmark, checked);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    arena.close();
  }

  @Benchmark
  public byte[] heapArray(FileSet files, HeapBuffer heap) throws IOException {
    return heapArray(digest, files.nextFile(), heap.array, heap.wrapped);
  }

  @Benchmark
  public byte[] directBuffer(FileSet files, DirectBuffer direct) throws IOException {
    return directBuffer(digest, files.nextFile(), direct.buffer);
  }

  static byte[] heapArray(MessageDigest digest, Path file, byte[] array, ByteBuffer buffer)
      throws IOException {
    digest.reset();
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      int read;
      while ((read = channel.read(buffer.clear())) >= 0) {
        digest.update(array, 0, read);
      }
    }
    return digest.digest();
  }

  static byte[] directBuffer(MessageDigest digest, Path file, ByteBuffer buffer)
      throws IOException {
    digest.reset();
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      while (channel.read(buffer.clear()) >= 0) {
        digest.update(buffer.flip());
      }
    }
    return digest.digest();
  }

  @Benchmark
  public byte[] mappedByteBuffer(FileSet files) throws IOException {
    digest.reset();
    try (FileChannel channel = FileChannel.open(files.nextFile(), StandardOpenOption.READ)) {
      long size = channel.size();
      for (long offset = 0; offset < size; offset += WINDOW) {
        try (Arena window = Arena.ofConfined()) {
          MemorySegment mapped =
              channel.map(
                  FileChannel.MapMode.READ_ONLY, offset, Math.min(WINDOW, size - offset), window);
          digest.update(mapped.asByteBuffer());
        }
      }
    }
    return digest.digest();
  }

  @Benchmark
  public byte[] mappedCopy64K(FileSet files) throws IOException {
    digest.reset();
    try (FileChannel channel = FileChannel.open(files.nextFile(), StandardOpenOption.READ)) {
      long size = channel.size();
      for (long offset = 0; offset < size; offset += WINDOW) {
        try (Arena window = Arena.ofConfined()) {
          MemorySegment mapped =
              channel.map(
                  FileChannel.MapMode.READ_ONLY, offset, Math.min(WINDOW, size - offset), window);
          long length = mapped.byteSize();
          for (long at = 0; at < length; at += PIECE) {
            int bytes = (int) Math.min(PIECE, length - at);
            MemorySegment.copy(mapped, JAVA_BYTE, at, piece, 0, bytes);
            digest.update(piece, 0, bytes);
          }
        }
      }
    }
    return digest.digest();
  }

  @Benchmark
  public byte[] mappedOpenSsl(FileSet files) throws IOException {
    try (FileChannel channel = FileChannel.open(files.nextFile(), StandardOpenOption.READ);
        Arena mapping = Arena.ofConfined()) {
      MemorySegment mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), mapping);
      LibCrypto.digest(mapped, nativeDigest);
    }
    return nativeDigest.toArray(JAVA_BYTE);
  }

  @Benchmark
  public long readOnly(FileSet files) throws IOException {
    long total = 0;
    try (FileChannel channel = FileChannel.open(files.nextFile(), StandardOpenOption.READ)) {
      int read;
      while ((read = channel.read(wrappedPiece.clear())) >= 0) {
        total += read;
      }
    }
    return total;
  }

  private static String method(String benchmark) {
    return benchmark.substring(benchmark.lastIndexOf('.') + 1);
  }
}
