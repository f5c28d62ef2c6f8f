package io.hashstream.producer.internal;

import io.hashstream.producer.WatchedRoot;
import java.nio.file.Path;

/**
 * A root as the machinery sees it.
 *
 * @param name the root's name, the first part of every key
 * @param directory the absolute directory
 * @param filter its includes and excludes
 */
public record RootSpec(String name, Path directory, PathFilter filter) {
  public static RootSpec of(WatchedRoot root) {
    return new RootSpec(root.name(), root.directory(), PathFilter.of(root));
  }

  /** The absolute path of {@code relative} ({@code ""} is the root directory itself). */
  public Path resolve(String relative) {
    return relative.isEmpty() ? directory : directory.resolve(relative);
  }

  /** The relative path of {@code name} in the directory {@code relativeDirectory}. */
  public static String child(String relativeDirectory, String name) {
    return relativeDirectory.isEmpty() ? name : relativeDirectory + "/" + name;
  }
}
