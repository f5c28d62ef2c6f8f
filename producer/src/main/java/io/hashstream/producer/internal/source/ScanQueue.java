package io.hashstream.producer.internal.source;

import io.hashstream.producer.internal.RootSpec;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * A source's directories waiting to be listed, in order, each once: a directory queued again
 * before it is listed is not queued twice, and a shallow scan of a directory queued for a deep one
 * is part of it. Not thread-safe: owned by the thread that scans.
 */
final class ScanQueue {
  private final ArrayDeque<Task> work = new ArrayDeque<>();
  private final Set<String> queuedDeep = new HashSet<>();
  private final Set<String> queuedShallow = new HashSet<>();

  /**
   * A directory to list.
   *
   * @param deep list every subdirectory again too, not only the ones not watched yet
   */
  record Task(RootSpec root, String relative, boolean deep) {}

  boolean isEmpty() {
    return work.isEmpty();
  }

  void add(Task task) {
    String id = id(task);
    if (queuedDeep.contains(id) || (!task.deep() && queuedShallow.contains(id))) {
      return;
    }
    (task.deep() ? queuedDeep : queuedShallow).add(id);
    work.addLast(task);
  }

  /** The next directory to list; the queue must not be empty. */
  Task take() {
    Task task = work.removeFirst();
    (task.deep() ? queuedDeep : queuedShallow).remove(id(task));
    return task;
  }

  private static String id(Task task) {
    return task.root().name() + '\0' + task.relative();
  }
}
