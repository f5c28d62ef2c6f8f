package io.hashstream.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IndexTest {
  private static final FileState STATE =
      new FileState(FileType.REGULAR, 10, 1_700_000_000_000_000_000L, null, new FileState.Identity(1, 2));

  /**
   * Seeded random puts, removes, marks and lookups against a sorted map and a set of marked paths.
   * Entries of every encoded length make records overwrite in place and move; a directory of
   * thousands of files that fills and drains makes its table grow and shrink and its arena compact.
   */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 42, 20261125})
  void behavesLikeASortedMapOfPaths(long seed) {
    Random random = new Random(seed);
    Index index = new Index();
    TreeMap<String, IndexEntry> model = new TreeMap<>();
    Set<String> marked = new HashSet<>();
    // A lone surrogate, a pair, and the '?' that String.getBytes would make of the lone one; a name
    // of more than 63 bytes takes a two-byte header.
    String[] names = {"a", "b", "c d", "ü", "-x", "a.b", "日本", "\uD83D\uDE00", "\uD83D", "?", "long name ".repeat(8)};
    for (int step = 0; step < 100_000; step++) {
      String p = random.nextInt(3) == 0 ? "big/file " + random.nextInt(4000) : randomPath(random, names);
      boolean draining = step / 25_000 % 2 == 1;
      switch (random.nextInt(8)) {
        case 0, 1, 2 -> {
          if (!draining || random.nextInt(4) == 0) {
            IndexEntry entry = IndexEntryCodecTest.randomEntry(random);
            index.put(p, entry);
            model.put(p, entry);
            marked.add(p);
          }
        }
        case 3 -> {
          index.remove(p);
          model.remove(p);
          marked.remove(p);
        }
        case 4 -> {
          assertThat(index.mark(p)).isEqualTo(model.containsKey(p));
          if (model.containsKey(p)) {
            marked.add(p);
          }
        }
        case 5 -> {
          assertThat(index.unmark(p)).isEqualTo(model.containsKey(p));
          marked.remove(p);
        }
        case 6 -> assertThat(index.get(p)).isEqualTo(model.get(p));
        default -> {
          if (random.nextInt(1000) == 0) {
            index.clearMarks();
            marked.clear();
          } else if (draining) {
            index.remove(p);
            model.remove(p);
            marked.remove(p);
          }
        }
      }
      if (step % 1000 == 0) {
        String directory = switch (random.nextInt(4)) {
          case 0 -> "";
          case 1 -> "big";
          case 2 -> names[random.nextInt(names.length)];
          default -> names[random.nextInt(names.length)] + "/" + names[random.nextInt(names.length)];
        };
        assertAgrees(index, model, marked, directory);
      }
    }
    assertThat(index.size()).isEqualTo(model.size());
    for (Map.Entry<String, IndexEntry> entry : model.entrySet()) {
      assertThat(index.get(entry.getKey())).isEqualTo(entry.getValue());
    }
    assertAgrees(index, model, marked, "big");
    Index.Churn churn = index.churn();
    assertThat(churn.overwrittenInPlace()).isPositive();
    assertThat(churn.moved()).isPositive();
    assertThat(churn.compactions()).isPositive();
    assertThat(churn.rehashes()).isPositive();
  }

  private static String randomPath(Random random, String[] names) {
    StringBuilder path = new StringBuilder(names[random.nextInt(names.length)]);
    int depth = random.nextInt(4);
    for (int i = 0; i < depth; i++) {
      path.append('/').append(names[random.nextInt(names.length)]);
    }
    return path.toString();
  }

  private static void assertAgrees(Index index, NavigableMap<String, IndexEntry> model, Set<String> marked, String directory) {
    assertThat(index.size()).isEqualTo(model.size());
    Map<String, IndexEntry> under = new HashMap<>();
    index.forEachUnder(directory, (path, entry) -> assertThat(under.put(path, entry)).isNull());
    String prefix = directory.isEmpty() ? "" : directory + "/";
    Map<String, IndexEntry> expected = new HashMap<>(
        directory.isEmpty() ? model : model.subMap(prefix, prefix.substring(0, prefix.length() - 1) + "0"));
    assertThat(under).isEqualTo(expected);
    assertThat(index.isDirectory(directory)).isEqualTo(directory.isEmpty() || !expected.isEmpty());
    Set<String> files = new HashSet<>();
    Set<String> directories = new HashSet<>();
    for (String key : expected.keySet()) {
      String rest = key.substring(prefix.length());
      int slash = rest.indexOf('/');
      if (slash < 0) {
        files.add(rest);
      } else {
        directories.add(rest.substring(0, slash));
      }
    }
    assertThat(index.fileNames(directory)).isEqualTo(files);
    assertThat(index.directoryNames(directory)).isEqualTo(directories);
    Map<String, IndexEntry> unmarked = new HashMap<>();
    index.forEachUnmarked((path, entry) -> assertThat(unmarked.put(path, entry)).isNull());
    Map<String, IndexEntry> expectedUnmarked = new HashMap<>(model);
    expectedUnmarked.keySet().removeAll(marked);
    assertThat(unmarked).isEqualTo(expectedUnmarked);
  }

  @Test
  void aVisitMayMarkFilesButNotPutOrRemoveThem() {
    Index index = new Index();
    for (int i = 0; i < 10; i++) {
      index.put("d/f" + i, IndexEntry.published(STATE));
    }
    index.clearMarks();
    Set<String> seen = new HashSet<>();
    index.forEachUnmarked((path, entry) -> {
      seen.add(path);
      assertThat(index.mark(path)).isTrue();
    });
    assertThat(seen).hasSize(10);
    index.forEachUnmarked((path, entry) -> seen.remove(path));
    assertThat(seen).hasSize(10);
    assertThatThrownBy(() -> index.forEachUnder("d", (path, entry) -> index.remove(path)))
        .isInstanceOf(ConcurrentModificationException.class);
  }

  /** Far more files than the tree's directories: every operation on one directory stays quick. */
  @Test
  void aDirectoryOfTwoHundredThousandFiles() {
    int files = 200_000;
    Index index = new Index();
    IndexEntry small = IndexEntry.uncertain();
    IndexEntry large = IndexEntry.published(new FileState(
        FileType.REGULAR, 1L << 40, 1_764_800_000_123_456_789L, 1_764_800_100_000_000_000L,
        new FileState.Identity(1L << 50, 1L << 60)));
    IndexEntry typical = IndexEntry.published(STATE);
    for (int i = 0; i < files; i++) {
      index.put("many/file-" + i + ".dat", small);
    }
    for (int i = 0; i < files; i++) {
      index.put("many/file-" + i + ".dat", i % 2 == 0 ? large : typical);
    }
    for (int i = 0; i < files; i += 3) {
      index.put("many/file-" + i + ".dat", typical);
    }
    for (int i = 1; i < files; i += 2) {
      index.remove("many/file-" + i + ".dat");
    }
    assertThat(index.size()).isEqualTo(files / 2);
    for (int i = 0; i < files; i++) {
      @Nullable IndexEntry expected = i % 2 == 1 ? null : i % 3 == 0 ? typical : large;
      assertThat(index.get("many/file-" + i + ".dat")).isEqualTo(expected);
    }
    assertThat(index.fileNames("many")).hasSize(files / 2).contains("file-0.dat").doesNotContain("file-1.dat");
    index.clearMarks();
    assertThat(index.mark("many/file-4.dat")).isTrue();
    assertThat(index.mark("many/file-5.dat")).isFalse();
    long[] unmarked = {0};
    index.forEachUnmarked((path, entry) -> unmarked[0]++);
    assertThat(unmarked[0]).isEqualTo(files / 2 - 1);
    for (int i = 0; i < files; i += 2) {
      index.remove("many/file-" + i + ".dat");
    }
    assertThat(index.size()).isZero();
    assertThat(index.isDirectory("many")).isFalse();
  }

  @Test
  void entriesFromTheHashTableCompareSizeAndTimeButNotTheFileKey() {
    IndexEntry recorded = IndexEntry.recorded(FileType.REGULAR, 10L, 1_700_000_000_000_000_000L, null);
    assertThat(recorded.matches(STATE)).isTrue();
    assertThat(recorded.matches(new FileState(FileType.REGULAR, 10, 1_700_000_000_000_000_000L, null, new FileState.Identity(9, 9)))).isTrue();
    assertThat(recorded.matches(new FileState(FileType.REGULAR, 11, 1_700_000_000_000_000_000L, null, null))).isFalse();
    // A recorded time in whole seconds is compared in seconds (a coarse mount): the next second is not it.
    assertThat(recorded.matches(new FileState(FileType.REGULAR, 10, 1_700_000_001_000_000_000L, null, null))).isFalse();
    assertThat(recorded.matches(new FileState(FileType.SYMLINK, 10, 1_700_000_000_000_000_000L, null, null))).isFalse();
    IndexEntry published = IndexEntry.published(STATE);
    assertThat(published.matches(STATE)).isTrue();
    assertThat(published.matches(new FileState(FileType.REGULAR, 10, 1_700_000_000_000_000_000L, null, new FileState.Identity(1, 3)))).isFalse();
    assertThat(IndexEntry.uncertain().matches(STATE)).isFalse();
    assertThat(IndexEntry.recorded(FileType.REGULAR, null, 5L, null).matches(STATE)).isFalse();
    assertThat(IndexEntry.recorded(FileType.SYMLINK, null, null, null).matches(new FileState(FileType.SYMLINK, 7, 5L, null, null))).isTrue();
  }

  @Test
  void theStatusChangeTimeComparesWhereBothHaveOneSoARestoredModificationTimeDoesNotHideAChange() {
    long modified = 1_700_000_000_123_456_789L;
    long changed = 1_700_000_500_987_654_321L;
    FileState seen = new FileState(FileType.REGULAR, 10, modified, changed, new FileState.Identity(1, 2));
    assertThat(IndexEntry.published(seen).matches(seen)).isTrue();
    FileState restored = new FileState(FileType.REGULAR, 10, modified, changed + 1, new FileState.Identity(1, 2));
    assertThat(IndexEntry.published(seen).matches(restored)).isFalse();
    assertThat(IndexEntry.recorded(FileType.REGULAR, 10L, modified, changed).matches(restored)).isFalse();
    // Results written before statusChanged existed: compared without it, so an upgrade
    // republishes nothing.
    assertThat(IndexEntry.recorded(FileType.REGULAR, 10L, modified, null).matches(restored)).isTrue();
    // A state without a ctime (no unix view) against one with it: not comparable, so not compared.
    assertThat(IndexEntry.published(seen).matches(new FileState(FileType.REGULAR, 10, modified, null, null)))
        .isFalse();
  }

  /** A consumer mount that keeps microseconds (NFS, some FUSE) records coarser times. */
  @Test
  void recordedTimesCompareAtThePrecisionTheyShow() {
    long modified = 1_700_000_000_123_456_789L;
    long changed = 1_700_000_500_987_654_321L;
    FileState exact = new FileState(FileType.REGULAR, 10, modified, changed, null);
    IndexEntry micros = IndexEntry.recorded(FileType.REGULAR, 10L, modified / 1000 * 1000, changed / 1000 * 1000);
    assertThat(micros.matches(exact)).isTrue();
    assertThat(micros.matches(new FileState(FileType.REGULAR, 10, modified + 1000, changed, null))).isFalse();
    assertThat(micros.matches(new FileState(FileType.REGULAR, 10, modified, changed + 1000, null))).isFalse();
    IndexEntry seconds =
        IndexEntry.recorded(FileType.REGULAR, 10L, modified / 1_000_000_000 * 1_000_000_000, null);
    assertThat(seconds.matches(exact)).isTrue();
    assertThat(IndexEntry.recorded(FileType.REGULAR, 10L, modified, null).matches(
        new FileState(FileType.REGULAR, 10, modified + 1, changed, null))).isFalse();
    assertThat(IndexEntry.precisionOf(1_700_000_000_123_456_000L)).isEqualTo(1000);
    assertThat(IndexEntry.precisionOf(-1_000_000L)).isEqualTo(1_000_000);
  }

  /**
   * The index's cost per file: a million files in 2,000 directories (names of about 20
   * characters); on the heap measured (used after GC with and without the index), off it as the
   * index counts its regions, and both by its own estimate. Printed, and bounded. {@code
   * -Dindex.files=10000000} measures ten million.
   */
  @Test
  void heapCostPerFile() {
    int files = Integer.getInteger("index.files", 1_000_000);
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long before = usedAfterGc(memory);
    Index index = new Index();
    for (int i = 0; i < files; i++) {
      String path = "project-" + (i % 20) + "/module-" + (i % 2000) / 20 + "/file-name-" + i + ".txt";
      index.put(path, IndexEntry.published(STATE));
    }
    long after = usedAfterGc(memory);
    double perFile = (double) (after - before) / files;
    double offHeapPerFile = (double) index.offHeapBytes() / files;
    double residentPerFile = (double) index.residentBytes() / files;
    String report = String.format(
        "index cost: heap %.1f bytes per file measured (%.1f by residentBytes), off-heap %.1f, both %.1f by residentBytes"
            + " (%d files, names ~20 chars)",
        perFile, residentPerFile - offHeapPerFile, offHeapPerFile, residentPerFile, files);
    System.out.println(report);
    assertThat(index.size()).isEqualTo(files);
    assertThat(perFile).as(report).isBetween(1.0, 15.0);
    assertThat(residentPerFile - offHeapPerFile).as(report).isBetween(perFile * 0.5, perFile * 1.5);
    assertThat(offHeapPerFile).as(report).isBetween(20.0, 55.0);
    assertThat(residentPerFile).as(report).isBetween(20.0, 60.0);
    index.close();
  }

  /**
   * Off-heap memory comes back: a directory that empties returns its arena, a region none uses is
   * closed, regions mostly unused have their arenas moved out and are closed, and {@link
   * Index#close} closes the rest; the index is unusable then. Each file's entry is its own, so a
   * moved arena that lost or mixed up records would show.
   */
  @Test
  void offHeapMemoryIsReturned() {
    Index index = new Index();
    IndexEntry entry = IndexEntry.published(STATE);
    int each = 100_000;
    for (int i = 0; i < each; i++) {
      index.put("big/file-name-" + i + ".txt", entryOfSize(i));
      index.put("small-" + (i % 2000) + "/file-name-" + i + ".txt", entryOfSize(i));
    }
    assertThat(index.churn().evacuations()).as("arenas moved while filling").isPositive();
    for (int i = 0; i < each; i++) {
      assertThat(index.get("big/file-name-" + i + ".txt")).isEqualTo(entryOfSize(i));
      assertThat(index.get("small-" + (i % 2000) + "/file-name-" + i + ".txt")).isEqualTo(entryOfSize(i));
    }
    int[] visited = {0};
    index.forEachUnder("", (path, found) -> {
      assertThat(found).isEqualTo(entryOfSize(Integer.parseInt(path.substring(path.lastIndexOf('-') + 1, path.length() - 4))));
      visited[0]++;
    });
    assertThat(visited[0]).isEqualTo(2 * each);
    long full = index.offHeapBytes();
    assertThat(full).isGreaterThan(2L * each * 20);
    assertThat(full).isLessThan(2L * each * 50);
    assertThat(Index.offHeapBytesOfAll()).isGreaterThanOrEqualTo(full);
    for (int i = 0; i < each; i++) {
      index.remove("small-" + (i % 2000) + "/file-name-" + i + ".txt");
    }
    assertThat(index.offHeapBytes()).isLessThan(full * 2 / 3);
    assertThat(index.fileNames("big")).hasSize(each);
    for (int i = 0; i < each; i++) {
      index.remove("big/file-name-" + i + ".txt");
    }
    assertThat(index.size()).isZero();
    assertThat(index.offHeapBytes()).as("at most the current region").isLessThanOrEqualTo(4L << 20);
    Index.Churn churn = index.churn();
    assertThat(churn.evacuations()).isPositive();
    assertThat(churn.regionsClosed()).isPositive();
    index.put("again/file", entry);
    assertThat(index.get("again/file")).isEqualTo(entry);
    long all = Index.offHeapBytesOfAll();
    long own = index.offHeapBytes();
    index.close();
    index.close();
    assertThat(index.offHeapBytes()).isZero();
    assertThat(Index.offHeapBytesOfAll()).as("others may be freed meanwhile").isLessThanOrEqualTo(all - own);
    assertThat(index.size()).isZero();
    assertThatThrownBy(() -> index.get("again/file")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> index.put("again/file", entry)).isInstanceOf(IllegalStateException.class);
  }

  /**
   * An index dropped unclosed is no leak: its regions are closed once it is unreachable. Other
   * tests' indexes may be freed meanwhile too, so what counts is that the total falls by at least
   * this one's bytes.
   */
  @Test
  void anUnclosedIndexIsFreedOnceUnreachable() {
    long[] withAndOwn = fillAndDrop();
    long freed = withAndOwn[0] - withAndOwn[1];
    // Each look asks for a collection: the cleaner runs only once the collector found it unreachable.
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(20))
        .pollInterval(java.time.Duration.ofMillis(20))
        .untilAsserted(() -> {
          System.gc();
          assertThat(Index.offHeapBytesOfAll()).isLessThanOrEqualTo(freed);
        });
  }

  /** The bytes off the heap of all indexes with one more, and of that one, which it drops. */
  private static IndexEntry entryOfSize(long size) {
    return IndexEntry.published(new FileState(FileType.REGULAR, size, 1_700_000_000_000_000_000L, null, new FileState.Identity(1, 2)));
  }

  private static long[] fillAndDrop() {
    Index index = new Index();
    for (int i = 0; i < 100_000; i++) {
      index.put("d" + (i % 100) + "/file-name-" + i + ".txt", IndexEntry.published(STATE));
    }
    assertThat(index.offHeapBytes()).isPositive();
    return new long[] {Index.offHeapBytesOfAll(), index.offHeapBytes()};
  }

  private static long usedAfterGc(MemoryMXBean memory) {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
