package io.hashstream.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The set of equal files a benchmark hashes, one per operation, in turn: a set of small files is
 * larger than the CPU's caches, so each operation reads from the page cache (see {@link Corpus}).
 */
@State(Scope.Thread)
@SuppressWarnings("NullAway.Init") // JMH sets the parameter and calls setUp before any benchmark
public class FileSet {
  @Param({"4K", "64K", "1M", "64M", "1G"})
  public String size;

  private Corpus corpus;
  private Corpus.Size set;
  private List<String> paths;
  private Map<String, String> sums;
  private int next;
  private int last;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    corpus = Corpus.fromSystemProperty();
    set = Corpus.Size.of(size);
    corpus.ensure(set);
    corpus.warm(set);
    paths = corpus.relativePaths(set);
    sums = corpus.sums(set);
  }

  /** The next file's path relative to {@link #root()}, as an event names it. */
  String nextPath() {
    last = next;
    next = next + 1 == paths.size() ? 0 : next + 1;
    return paths.get(last);
  }

  /** The next file's absolute path. */
  Path nextFile() {
    return corpus.file(nextPath());
  }

  Path root() {
    return corpus.root();
  }

  /** The size of every file of the set. */
  long fileBytes() {
    return set.bytes();
  }

  /**
   * Checks {@code digest} against the {@code SHA256SUMS} entry of the file the last {@link
   * #nextPath} returned, then starts again from the first file.
   *
   * @throws IllegalStateException if it differs: the benchmark does not compute SHA-256 of the file
   */
  void checkLastAndRewind(String benchmark, byte[] digest) {
    String path = paths.get(last);
    String expected = sums.get(path);
    String actual = HexFormat.of().formatHex(digest);
    if (!actual.equals(expected)) {
      throw new IllegalStateException(
          benchmark + " computed " + actual + " for " + path + ", SHA256SUMS says " + expected);
    }
    next = 0;
  }
}
