package io.hashstream.producer.internal.source;

import io.hashstream.producer.internal.FileState;
import java.util.List;

/**
 * What a {@link ChangeSource} reports. Called from the source's thread; implementations only queue
 * the report for their own thread and return.
 */
public interface ChangeSink {
  /**
   * Something may have changed at a path (created, modified, deleted, moved, or the path is a
   * directory that appeared or vanished): the sink looks at the path as it is now.
   *
   * @param root the root's name
   * @param path the path relative to the root
   */
  void pathChanged(String root, String path);

  /**
   * A scan listed a directory: these files (anything but a directory, excluded ones left out) and
   * these subdirectories are in it now, and nothing else is. Files the sink knows there that are
   * not listed are gone; subdirectories not listed are gone with their whole subtree.
   *
   * @param root the root's name
   * @param directory the directory relative to the root ({@code ""} for the root itself)
   */
  void directoryListed(String root, String directory, List<Listed> files, List<String> subdirectories);

  /**
   * Whether the sink holds as many changes as it should before it publishes some: a scan waits
   * (watching goes on) rather than queue a tree's worth of them. Safe from any thread.
   */
  default boolean saturated() {
    return false;
  }

  /** A file a scan found, and what {@code lstat} showed. */
  record Listed(String name, FileState state) {}
}
