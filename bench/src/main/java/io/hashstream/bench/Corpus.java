package io.hashstream.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The files every benchmark and every reference tool hashes: for each {@link Size}, a directory of
 * equal files under one root, with pseudo-random content (seeded, so every run hashes the same
 * bytes) and a {@code SHA256SUMS} file written as they were generated, which the benchmarks and
 * {@code sha256sum -c} check against.
 *
 * <p>Created once and kept (a scratch directory under {@code /tmp} by default); {@link #ensure}
 * recreates only a set whose files are missing or of the wrong size. {@code main} creates them and
 * reads every file once, so that the measurements start from the page cache.
 */
public final class Corpus {
  /** The root, overridable for a run of JMH alone: {@code -Dhashstream.bench.dir=...}. */
  public static final String DIRECTORY_PROPERTY = "hashstream.bench.dir";

  private static final String DEFAULT_DIRECTORY = "/tmp/hashstream-bench/corpus";
  private static final String SUMS = "SHA256SUMS";
  private static final int WRITE_CHUNK = 1 << 20;

  /**
   * A set of files of one size. Each small set holds at least 64 MiB (twice the last-level cache),
   * so a benchmark cycling through it reads from the page cache, not from a CPU cache.
   */
  public enum Size {
    KIB_4("4K", 4L << 10, 16_384),
    KIB_64("64K", 64L << 10, 1_024),
    MIB_1("1M", 1L << 20, 64),
    MIB_64("64M", 64L << 20, 2),
    GIB_1("1G", 1L << 30, 1);

    private final String label;
    private final long bytes;
    private final int files;

    Size(String label, long bytes, int files) {
      this.label = label;
      this.bytes = bytes;
      this.files = files;
    }

    /** As JMH parameters and directory names spell it: {@code 4K}, {@code 64K}, ... */
    public String label() {
      return label;
    }

    public long bytes() {
      return bytes;
    }

    public int files() {
      return files;
    }

    /** The directory of this set under the root: {@code 4k}, {@code 64k}, ... */
    public String directory() {
      return label.toLowerCase(Locale.ROOT);
    }

    public static Size of(String label) {
      for (Size size : values()) {
        if (size.label.equals(label)) {
          return size;
        }
      }
      throw new IllegalArgumentException(
          "no file size " + label + "; the sizes are 4K, 64K, 1M, 64M, 1G");
    }
  }

  private final Path root;

  private Corpus(Path root) {
    this.root = root;
  }

  /** The corpus under {@code -Dhashstream.bench.dir}, or the default scratch directory. */
  public static Corpus fromSystemProperty() {
    return new Corpus(Path.of(System.getProperty(DIRECTORY_PROPERTY, DEFAULT_DIRECTORY)));
  }

  public static Corpus at(Path root) {
    return new Corpus(root);
  }

  public Path root() {
    return root;
  }

  /** The paths of a set relative to the root, {@code /}-separated as events name files. */
  public List<String> relativePaths(Size size) {
    List<String> paths = new ArrayList<>(size.files());
    for (int i = 0; i < size.files(); i++) {
      paths.add(size.directory() + "/" + fileName(i));
    }
    return paths;
  }

  public Path file(String relativePath) {
    return root.resolve(relativePath);
  }

  /** The expected SHA-256 (hex) of each file of the set, from its {@code SHA256SUMS}. */
  public Map<String, String> sums(Size size) throws IOException {
    Map<String, String> sums = new LinkedHashMap<>();
    for (String line : Files.readAllLines(root.resolve(size.directory()).resolve(SUMS))) {
      // sha256sum's format: 64 hex digits, two spaces (text mode), the name.
      sums.put(size.directory() + "/" + line.substring(66), line.substring(0, 64));
    }
    return sums;
  }

  /** Creates the set unless all its files are there with the right size. */
  public void ensure(Size size) throws IOException {
    Path directory = root.resolve(size.directory());
    if (complete(directory, size)) {
      return;
    }
    Files.createDirectories(directory);
    MessageDigest digest = sha256();
    StringBuilder sums = new StringBuilder();
    ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(size.bytes(), WRITE_CHUNK));
    for (int i = 0; i < size.files(); i++) {
      SplittableRandom random = new SplittableRandom(size.bytes() * 1_000_003L + i);
      digest.reset();
      try (FileChannel out =
          FileChannel.open(
              directory.resolve(fileName(i)),
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        for (long written = 0; written < size.bytes(); written += chunk.capacity()) {
          fill(chunk, random);
          digest.update(chunk.array(), 0, chunk.capacity());
          while (chunk.hasRemaining()) {
            out.write(chunk);
          }
        }
      }
      sums.append(HexFormat.of().formatHex(digest.digest()))
          .append("  ")
          .append(fileName(i))
          .append('\n');
    }
    Files.writeString(directory.resolve(SUMS), sums, StandardCharsets.US_ASCII);
  }

  /** Reads every file of the set once (into the page cache) and returns the bytes read. */
  public long warm(Size size) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
    long total = 0;
    for (String path : relativePaths(size)) {
      try (FileChannel channel = FileChannel.open(file(path), StandardOpenOption.READ)) {
        int read;
        while ((read = channel.read(buffer.clear())) >= 0) {
          total += read;
        }
      }
    }
    return total;
  }

  private static boolean complete(Path directory, Size size) throws IOException {
    if (!Files.isRegularFile(directory.resolve(SUMS))) {
      return false;
    }
    for (int i = 0; i < size.files(); i++) {
      Path file = directory.resolve(fileName(i));
      if (!Files.isRegularFile(file) || Files.size(file) != size.bytes()) {
        return false;
      }
    }
    return true;
  }

  private static void fill(ByteBuffer chunk, SplittableRandom random) {
    chunk.clear();
    while (chunk.remaining() >= Long.BYTES) {
      chunk.putLong(random.nextLong());
    }
    chunk.flip();
  }

  static String fileName(int index) {
    return String.format(Locale.ROOT, "f%05d", index);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /**
   * Creates the sets named (default: all) under the root given by {@code -Dhashstream.bench.dir},
   * reads them into the page cache, and prints one line per set: label, directory, files, bytes.
   */
  public static void main(String[] args) throws IOException {
    Corpus corpus = fromSystemProperty();
    List<Size> sizes = new ArrayList<>();
    if (args.length == 0) {
      sizes.addAll(List.of(Size.values()));
    } else {
      for (String arg : args) {
        for (String label : arg.split(",", -1)) {
          sizes.add(Size.of(label));
        }
      }
    }
    for (Size size : sizes) {
      corpus.ensure(size);
      long bytes = corpus.warm(size);
      System.out.println(
          size.label()
              + "\t"
              + corpus.root().resolve(size.directory())
              + "\t"
              + size.files()
              + "\t"
              + bytes);
    }
  }
}
