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
      new FileState(FileType.REGULAR, 10, 1_700_000_000_000_000_000L, new FileState.Identity(1, 2));

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
    IndexEntry recorded = IndexEntry.recorded(FileType.REGULAR, 10L, 1_700_000_000_000_000_000L);
    assertThat(recorded.matches(STATE)).isTrue();
    assertThat(recorded.matches(new FileState(FileType.REGULAR, 10, 1_700_000_000_000_000_000L, new FileState.Identity(9, 9)))).isTrue();
    assertThat(recorded.matches(new FileState(FileType.REGULAR, 11, 1_700_000_000_000_000_000L, null))).isFalse();
    assertThat(recorded.matches(new FileState(FileType.REGULAR, 10, 1_700_000_000_000_000_001L, null))).isFalse();
    assertThat(recorded.matches(new FileState(FileType.SYMLINK, 10, 1_700_000_000_000_000_000L, null))).isFalse();
    IndexEntry published = IndexEntry.published(STATE);
    assertThat(published.matches(STATE)).isTrue();
    assertThat(published.matches(new FileState(FileType.REGULAR, 10, 1_700_000_000_000_000_000L, new FileState.Identity(1, 3)))).isFalse();
    assertThat(IndexEntry.uncertain().matches(STATE)).isFalse();
    assertThat(IndexEntry.recorded(FileType.REGULAR, null, 5L).matches(STATE)).isFalse();
    assertThat(IndexEntry.recorded(FileType.SYMLINK, null, null).matches(new FileState(FileType.SYMLINK, 7, 5L, null))).isTrue();
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
