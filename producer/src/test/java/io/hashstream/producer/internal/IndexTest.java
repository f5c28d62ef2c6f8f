package io.hashstream.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IndexTest {
  private static final FileState STATE =
      new FileState(FileType.REGULAR, 10, 1_700_000_000_000_000_000L, null, new FileState.Identity(1, 2));

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 42, 20261125})
  void behavesLikeASortedMapOfPaths(long seed) {
    Random random = new Random(seed);
    Index index = new Index();
    TreeMap<String, IndexEntry> model = new TreeMap<>();
    String[] names = {"a", "b", "c d", "ü", "-x", "a.b"};
    for (int step = 0; step < 5000; step++) {
      StringBuilder path = new StringBuilder(names[random.nextInt(names.length)]);
      int depth = random.nextInt(4);
      for (int i = 0; i < depth; i++) {
        path.append('/').append(names[random.nextInt(names.length)]);
      }
      String p = path.toString();
      switch (random.nextInt(3)) {
        case 0, 1 -> {
          IndexEntry entry = IndexEntry.published(STATE);
          index.put(p, entry);
          model.put(p, entry);
        }
        default -> {
          index.remove(p);
          model.remove(p);
        }
      }
      if (step % 100 == 0) {
        String directory = random.nextBoolean() ? "" : names[random.nextInt(names.length)];
        Map<String, IndexEntry> under = new HashMap<>();
        index.forEachUnder(directory, under::put);
        String prefix = directory.isEmpty() ? "" : directory + "/";
        Map<String, IndexEntry> expected = new HashMap<>(
            directory.isEmpty() ? model : model.subMap(prefix, prefix.substring(0, prefix.length() - 1) + "0"));
        assertThat(under).isEqualTo(expected);
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
      }
    }
    assertThat(index.size()).isEqualTo(model.size());
    for (Map.Entry<String, IndexEntry> entry : model.entrySet()) {
      assertThat(index.get(entry.getKey())).isSameAs(entry.getValue());
    }
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
   * The index's heap cost per file, measured: 200,000 files in 2,000 directories (typical names of
   * 10-20 characters), heap used after GC with and without the index. Printed, and bounded.
   */
  @Test
  void heapCostPerFile() {
    int files = 200_000;
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long before = usedAfterGc(memory);
    Index index = new Index();
    for (int i = 0; i < files; i++) {
      String path = "project-" + (i % 20) + "/module-" + (i % 2000) / 20 + "/file-name-" + i + ".txt";
      index.put(path, IndexEntry.published(STATE));
    }
    long after = usedAfterGc(memory);
    long perFile = (after - before) / files;
    String report = "index heap cost: " + perFile + " bytes per file (" + files + " files, names ~20 chars)";
    System.out.println(report);
    assertThat(index.size()).isEqualTo(files);
    assertThat(perFile).isBetween(50L, 400L);
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
