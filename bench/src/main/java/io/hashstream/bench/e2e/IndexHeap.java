package io.hashstream.bench.e2e;

import io.hashstream.producer.internal.FileState;
import io.hashstream.producer.internal.FileType;
import io.hashstream.producer.internal.Index;
import io.hashstream.producer.internal.IndexEntry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.Locale;

/**
 * The producer's heap bytes per indexed file: the used heap after full collections with and
 * without an {@code Index} of N synthetic files (names of about 20 characters, 500 files per
 * directory, every entry with its own size, time and inode), as {@code IndexTest.heapCostPerFile}
 * does for 200,000; and the index's own count of its bytes off the heap. The index is what grows with the tree; the watcher's per-directory nodes come
 * on top (one per directory, not per file).
 *
 * <p>{@code index-heap FILES}
 */
public final class IndexHeap {
  private IndexHeap() {}

  static void run(String[] args) {
    int files = E2e.intArg(args, 0, "FILES");
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    fill(1_000); // loads and compiles the classes involved before the baseline
    long before = usedAfterGc(memory);
    long started = System.nanoTime();
    Index index = fill(files);
    String seconds = Trees.seconds(started);
    long after;
    try {
      after = usedAfterGc(memory);
    } finally {
      Reference.reachabilityFence(index); // the index must be alive while the heap is measured
    }
    E2e.emit("files", index.size());
    E2e.emit("directories", Math.min(files, 2_000));
    E2e.emit("heap_bytes", after - before);
    E2e.emit("bytes_per_file", String.format(Locale.ROOT, "%.0f", (double) (after - before) / files));
    // The index's arenas are off the heap since it moved them there: counted by the index itself.
    E2e.emit("off_heap_bytes_per_file", String.format(Locale.ROOT, "%.0f", (double) index.offHeapBytes() / files));
    E2e.emit("fill_seconds", seconds);
  }

  private static Index fill(int files) {
    Index index = new Index();
    long now = System.currentTimeMillis() * 1_000_000L;
    for (int i = 0; i < files; i++) {
      String path = "project-" + (i % 20) + "/module-" + (i % 2000) / 20 + "/file-name-" + i + ".txt";
      FileState state =
          new FileState(FileType.REGULAR, 1024 + (i % 7168), now - i * 1_000L, now - i * 1_000L, new FileState.Identity(64769, 1_000_000L + i));
      index.put(path, IndexEntry.published(state));
    }
    return index;
  }

  /** The heap in use after full collections (the least of five): what live objects hold. */
  public static long usedAfterGc(MemoryMXBean memory) {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
