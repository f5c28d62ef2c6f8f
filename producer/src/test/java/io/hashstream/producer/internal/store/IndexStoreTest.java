package io.hashstream.producer.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hashstream.producer.internal.FileState;
import io.hashstream.producer.internal.FileType;
import io.hashstream.producer.internal.Index;
import io.hashstream.producer.internal.IndexEntry;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IndexStoreTest {
  private static final TablePosition START = new TablePosition("topic-a", Map.of(0, 10L, 1, 20L), Map.of(0, 5L));

  @TempDir Path directory;

  @Test
  void aStoppedStoreLoadsWhatItHeldAndAKilledOneWhatItFlushed() throws IOException {
    IndexStore store = IndexStore.open(directory);
    assertThat(store.load()).isInstanceOf(IndexStore.Loaded.Missing.class);
    Map<String, Index> indexes = new HashMap<>(Map.of("docs", new Index(), "photos", new Index()));
    index(indexes, "docs").put("a/b.txt", entry(1));
    store.begin(indexes, START, true);
    put(store, indexes, "docs", "a/c.txt", entry(2));
    put(store, indexes, "photos", "ü/x y.jpg", IndexEntry.uncertain());
    index(indexes, "docs").remove("a/b.txt");
    store.remove("docs", "a/b.txt");
    TablePosition later = new TablePosition("topic-a", Map.of(0, 11L, 1, 25L), Map.of(0, 9L, 3, 1L));
    store.position(later);
    store.endOfTurn(indexes);
    // Killed: nothing after the turn's end runs, and the lock goes with the process.
    store.release();

    IndexStore again = IndexStore.open(directory);
    IndexStore.Loaded.Found found = (IndexStore.Loaded.Found) again.load();
    assertThat(contents(found.indexes())).isEqualTo(contents(indexes));
    assertThat(found.position()).isEqualTo(later);
    assertThat(found.replayed()).isEqualTo(4);
    again.begin(found.indexes(), later, false);
    put(again, found.indexes(), "docs", "d.txt", entry(3));
    again.close(found.indexes());

    IndexStore third = IndexStore.open(directory);
    IndexStore.Loaded.Found last = (IndexStore.Loaded.Found) third.load();
    assertThat(contents(last.indexes())).isEqualTo(contents(found.indexes()));
    assertThat(last.replayed()).as("a clean stop leaves a snapshot and an empty log").isZero();
    third.release();
  }

  @Test
  void aSecondProducerOnTheSameStateDirectoryIsRefused() throws IOException {
    IndexStore first = IndexStore.open(directory);
    try {
      assertThatThrownBy(() -> IndexStore.open(directory))
          .isInstanceOf(IndexStore.InUseException.class)
          .hasMessageContaining("in use by another producer (pid " + ProcessHandle.current().pid() + ")")
          .hasMessageContaining("--state-dir");
    } finally {
      first.release();
    }
    IndexStore.open(directory).release();
  }

  @Test
  void aDamagedOrTruncatedSnapshotIsNotUsed() throws IOException {
    IndexStore store = IndexStore.open(directory);
    Map<String, Index> indexes = Map.of("docs", new Index());
    for (int i = 0; i < 1000; i++) {
      index(indexes, "docs").put("dir-" + (i % 10) + "/file-" + i, entry(i));
    }
    store.begin(indexes, START, true);
    store.close(indexes);
    Path snapshot = directory.resolve(IndexStore.SNAPSHOT);
    byte[] whole = Files.readAllBytes(snapshot);

    Files.write(snapshot, java.util.Arrays.copyOf(whole, whole.length / 2));
    assertThat(reason()).contains("cannot be used").contains("truncated");

    byte[] flipped = whole.clone();
    flipped[whole.length / 2] ^= 0x10;
    Files.write(snapshot, flipped);
    assertThat(reason()).contains("cannot be used");

    Files.write(snapshot, new byte[0]);
    assertThat(reason()).contains("cannot be used");

    Files.write(snapshot, whole);
    IndexStore intact = IndexStore.open(directory);
    assertThat(contents(((IndexStore.Loaded.Found) intact.load()).indexes())).isEqualTo(contents(indexes));
    intact.release();
  }

  private String reason() throws IOException {
    IndexStore store = IndexStore.open(directory);
    try {
      return ((IndexStore.Loaded.Missing) store.load()).reason();
    } finally {
      store.release();
    }
  }

  /**
   * A process killed at any byte of the log leaves a log that replays to the state after some
   * prefix of the changes, never a mix, and the next start appends after the cut.
   */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 2026})
  void aLogCutAtAnyByteReplaysAPrefixOfTheChanges(long seed) throws IOException {
    Random random = new Random(seed);
    IndexStore store = IndexStore.open(directory);
    Map<String, Index> indexes = new HashMap<>(Map.of("r", new Index()));
    store.begin(indexes, START, true);
    List<Map<String, IndexEntry>> states = new ArrayList<>();
    states.add(contents(indexes));
    List<Long> sizes = new ArrayList<>();
    Path logFile = directory.resolve(IndexStore.LOG_FILE);
    sizes.add(Files.size(logFile));
    for (int step = 0; step < 200; step++) {
      String path = "d" + random.nextInt(5) + "/f" + random.nextInt(30);
      if (random.nextInt(3) == 0) {
        index(indexes, "r").remove(path);
        store.remove("r", path);
      } else {
        put(store, indexes, "r", path, entry(random.nextLong()));
      }
      store.endOfTurn(indexes);
      states.add(contents(indexes));
      sizes.add(Files.size(logFile));
    }
    store.release();
    byte[] log = Files.readAllBytes(logFile);
    Path snapshotFile = directory.resolve(IndexStore.SNAPSHOT);
    byte[] snapshot = Files.readAllBytes(snapshotFile);
    for (int trial = 0; trial < 30; trial++) {
      int cut = random.nextInt(log.length + 1);
      Files.write(snapshotFile, snapshot);
      Files.write(logFile, java.util.Arrays.copyOf(log, cut));
      IndexStore reopened = IndexStore.open(directory);
      IndexStore.Loaded.Found found = (IndexStore.Loaded.Found) reopened.load();
      int prefix = 0;
      while (prefix + 1 < sizes.size() && sizes.get(prefix + 1) <= cut) {
        prefix++;
      }
      assertThat(contents(found.indexes())).as("cut at byte %d", cut).isEqualTo(states.get(prefix));
      // The next start appends after the cut, and what it appends is read back.
      reopened.begin(found.indexes(), START, false);
      put(reopened, found.indexes(), "r", "after/cut", entry(7));
      reopened.endOfTurn(found.indexes());
      reopened.release();
      IndexStore checked = IndexStore.open(directory);
      assertThat(contents(((IndexStore.Loaded.Found) checked.load()).indexes())).isEqualTo(contents(found.indexes()));
      checked.release();
    }
  }

  @Test
  void aLogOfAnEarlierSnapshotIsNotReplayedOverALaterOne() throws IOException {
    IndexStore store = IndexStore.open(directory);
    Map<String, Index> indexes = new HashMap<>(Map.of("r", new Index()));
    store.begin(indexes, START, true);
    put(store, indexes, "r", "old", entry(1));
    store.endOfTurn(indexes);
    Path logFile = directory.resolve(IndexStore.LOG_FILE);
    byte[] earlier = Files.readAllBytes(logFile);
    index(indexes, "r").remove("old");
    store.remove("r", "old");
    store.close(indexes);
    // As if killed between the new snapshot's rename and the new log's.
    Files.write(logFile, earlier);
    IndexStore reopened = IndexStore.open(directory);
    IndexStore.Loaded.Found found = (IndexStore.Loaded.Found) reopened.load();
    assertThat(contents(found.indexes())).isEmpty();
    reopened.release();
  }

  @Test
  void aTemporaryFileLeftByAKilledSnapshotChangesNothing() throws IOException {
    IndexStore store = IndexStore.open(directory);
    Map<String, Index> indexes = new HashMap<>(Map.of("r", new Index()));
    index(indexes, "r").put("kept", entry(1));
    store.begin(indexes, START, true);
    store.release();
    try (FileChannel half =
        FileChannel.open(directory.resolve(IndexStore.SNAPSHOT + ".tmp"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      half.write(java.nio.ByteBuffer.wrap(new byte[] {'H', 'S', 'I'}));
    }
    IndexStore reopened = IndexStore.open(directory);
    assertThat(contents(((IndexStore.Loaded.Found) reopened.load()).indexes())).isEqualTo(contents(indexes));
    reopened.release();
  }

  private static void put(IndexStore store, Map<String, Index> indexes, String root, String path, IndexEntry entry) {
    index(indexes, root).put(path, entry);
    store.put(root, path, entry);
  }

  private static Index index(Map<String, Index> indexes, String root) {
    return java.util.Objects.requireNonNull(indexes.get(root), root);
  }

  private static IndexEntry entry(long seed) {
    long time = 1_764_800_000_000_000_000L + Math.floorMod(seed, 1_000_000_000L);
    return IndexEntry.published(new FileState(FileType.REGULAR, Math.floorMod(seed, 9000), time, time + 7, new FileState.Identity(2049, Math.floorMod(seed, 1 << 30))));
  }

  private static Map<String, IndexEntry> contents(Map<String, Index> indexes) {
    Map<String, IndexEntry> all = new TreeMap<>();
    indexes.forEach((root, index) -> index.forEachUnder("", (path, entry) -> all.put(root + "/" + path, entry)));
    return all;
  }
}
