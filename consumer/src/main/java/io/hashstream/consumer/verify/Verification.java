package io.hashstream.consumer.verify;

import io.hashstream.nativeio.RootDirectory;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of verify: reads the table of the roots, walks each tree, judges every path against its
 * entry by metadata, and reads the files whose metadata matches (within the sample and the byte
 * rate) to compare their digest. Drift is reported, never written: the entry holds the digest of
 * the content as it was when the pipeline saw it change last.
 *
 * <p>A root that is empty while the table holds files for it is not judged (its volume is
 * probably not mounted): the run fails instead of reporting every file gone.
 *
 * <p>One thread: it owns the opener, the read buffer and the digest.
 */
public final class Verification {
  private static final Logger LOG = LoggerFactory.getLogger(Verification.class);
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(1);
  private static final Duration LOG_EVERY = Duration.ofSeconds(10);

  private final VerifySettings settings;
  private final Consumer<Finding> findings;
  private final Consumer<VerifyProgress> progress;
  private final Sample sample;
  private final ByteBudget budget;
  private final Map<Verdict, Long> counts = new EnumMap<>(Verdict.class);
  private long filesRead;
  private long paths;
  private long entries;
  private long lastProgress;
  private long lastLog;

  private Verification(VerifySettings settings, Consumer<Finding> findings, Consumer<VerifyProgress> progress) {
    this.settings = settings;
    this.findings = findings;
    this.progress = progress;
    this.sample = new Sample(settings.samplePercent(), settings.seed());
    this.budget = new ByteBudget(settings.maxBytesPerSecond());
  }

  /**
   * Runs verify.
   *
   * @param findings gets every path's finding, verified ones included, as they are made
   * @param progress gets how far the run is, at most once a second
   * @throws VerifyException if it cannot run (no hash topic, a root that cannot be read or looks
   *     unmounted)
   * @throws org.apache.kafka.common.errors.TimeoutException if Kafka does not answer
   */
  public static VerifySummary run(
      VerifySettings settings, Consumer<Finding> findings, Consumer<VerifyProgress> progress)
      throws InterruptedException {
    return new Verification(settings, findings, progress).run();
  }

  private VerifySummary run() throws InterruptedException {
    long started = System.nanoTime();
    Map<String, Map<String, TableEntry>> table = TableSnapshot.read(settings, settings.roots().keySet());
    entries = table.values().stream().mapToLong(Map::size).sum();
    LOG.info("verify: the table holds {} entries for roots {}", entries, settings.roots().keySet());
    try (FileCheck check = new FileCheck(budget)) {
      for (Map.Entry<String, Path> root : settings.roots().entrySet()) {
        Map<String, TableEntry> rootEntries = table.getOrDefault(root.getKey(), new java.util.HashMap<>());
        verifyRoot(check, root.getKey(), root.getValue(), rootEntries);
      }
      filesRead = check.filesRead();
    }
    VerifySummary summary =
        new VerifySummary(counts, filesRead, budget.bytes(), Duration.ofNanos(System.nanoTime() - started), settings.seed());
    LOG.debug("verify: done: {}, {} files read, {} bytes, in {}", summary.counts(), filesRead, budget.bytes(), summary.took());
    return summary;
  }

  private void verifyRoot(FileCheck check, String name, Path configured, Map<String, TableEntry> rootEntries)
      throws InterruptedException {
    Path real;
    try {
      real = configured.toRealPath();
    } catch (IOException e) {
      throw new VerifyException("the root " + name + " at " + configured + " cannot be read: " + e.getMessage(), e);
    }
    if (!rootEntries.isEmpty() && isEmpty(real)) {
      throw new VerifyException(
          "the root "
              + name
              + " at "
              + configured
              + " is empty while the table holds "
              + rootEntries.size()
              + " files of it: is its volume mounted? Nothing was judged, so nothing is reported gone");
    }
    List<String> unlisted = new ArrayList<>();
    try (RootDirectory directory = RootDirectory.open(real)) {
      Walker walker = new Walker(check, name, real, directory, rootEntries, unlisted);
      Files.walkFileTree(real, walker);
      if (walker.interrupted) {
        throw new InterruptedException();
      }
    } catch (IOException e) {
      throw new VerifyException("the root " + name + " at " + configured + " cannot be walked: " + e.getMessage(), e);
    }
    // What the walk did not meet is gone, unless it lies beneath a directory that could not be listed.
    for (Map.Entry<String, TableEntry> left : rootEntries.entrySet()) {
      String path = left.getKey();
      String digest = left.getValue().digest();
      if (unlisted.stream().anyMatch(directory -> path.startsWith(directory + "/"))) {
        report(Verdict.UNCERTAIN, name, path, "beneath a directory that cannot be listed", digest, null);
      } else {
        report(Verdict.GONE_FROM_TREE, name, path, "in the table, not in the tree", digest, null);
      }
    }
  }

  private static boolean isEmpty(Path directory) {
    try (Stream<Path> children = Files.list(directory)) {
      return children.findAny().isEmpty();
    } catch (IOException e) {
      throw new VerifyException("the root directory " + directory + " cannot be listed: " + e.getMessage(), e);
    }
  }

  /** Walks one root: every path but directories is judged as it is met. */
  private final class Walker extends SimpleFileVisitor<Path> {
    private final FileCheck check;
    private final String root;
    private final Path real;
    private final RootDirectory directory;
    private final Map<String, TableEntry> rootEntries;
    private final List<String> unlisted;
    private boolean interrupted;

    Walker(
        FileCheck check,
        String root,
        Path real,
        RootDirectory directory,
        Map<String, TableEntry> rootEntries,
        List<String> unlisted) {
      this.check = check;
      this.root = root;
      this.real = real;
      this.directory = directory;
      this.rootEntries = rootEntries;
      this.unlisted = unlisted;
    }

    @Override
    public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
      String path = relative(file);
      TableEntry entry = rootEntries.remove(path);
      try {
        judge(path, file, entry, attributes.isRegularFile());
      } catch (InterruptedException e) {
        interrupted = true;
        return FileVisitResult.TERMINATE;
      }
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFileFailed(Path file, IOException failure) {
      String path = relative(file);
      if (Files.isDirectory(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        LOG.warn("verify: root {}: the directory {} cannot be listed: {}", root, path, failure.getMessage());
        unlisted.add(path);
        return FileVisitResult.CONTINUE;
      }
      TableEntry entry = rootEntries.remove(path);
      report(Verdict.UNCERTAIN, root, path, "cannot be examined: " + failure.getMessage(), entry == null ? null : entry.digest(), null);
      return FileVisitResult.CONTINUE;
    }

    private String relative(Path file) {
      return real.relativize(file).toString().replace(java.io.File.separatorChar, '/');
    }

    private void judge(String path, Path file, @Nullable TableEntry entry, boolean regular)
        throws IOException, InterruptedException {
      if (entry == null) {
        if (regular) {
          report(Verdict.MISSING_FROM_TABLE, root, path, "a regular file with no entry", null, null);
        }
        return;
      }
      FileCheck.Checked checked = check.check(() -> directory, file, path, entry, sampled -> sample.includes(root + "/" + path));
      report(checked.verdict(), root, path, checked.detail(), entry.digest(), checked.digest());
    }
  }

  private void report(
      Verdict verdict, String root, String path, @Nullable String detail, @Nullable String tableDigest, @Nullable String digest) {
    counts.merge(verdict, 1L, Long::sum);
    paths++;
    findings.accept(new Finding(verdict, root, path, root + "/" + path, detail, tableDigest, digest));
    long now = System.nanoTime();
    if (now - lastProgress >= PROGRESS_EVERY.toNanos()) {
      lastProgress = now;
      progress.accept(new VerifyProgress(root, paths, entries, budget.bytes()));
    }
    if (now - lastLog >= LOG_EVERY.toNanos()) {
      lastLog = now;
      LOG.info("verify: root {}: {} paths judged ({} entries in the table), {} bytes read", root, paths, entries, budget.bytes());
    }
  }
}
