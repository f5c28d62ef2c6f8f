package io.hashstream.producer;

import io.hashstream.schemas.FileKey;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.PatternSyntaxException;

/**
 * A directory tree to watch, published under a root name.
 *
 * <p>Globs use {@link java.nio.file.FileSystem#getPathMatcher} {@code glob:} syntax. A glob without
 * a {@code /} is matched against a file's (or directory's) name in any directory, like a {@code
 * .gitignore} line; a glob with a {@code /} is matched against the path relative to the root
 * ({@code build/**}). An excluded directory is neither watched nor scanned. When {@code includes} is
 * not empty, a file is published only if it matches one of them; excludes win over includes.
 *
 * @param name the root's name in every key ({@code [A-Za-z0-9._-]+})
 * @param directory the directory; made absolute and normalized
 * @param includes globs a file must match (none: every file)
 * @param excludes globs of files and directories to leave out
 */
public record WatchedRoot(String name, Path directory, List<String> includes, List<String> excludes) {
  /** Editor and temporary files, excluded unless a caller asks otherwise. */
  public static final List<String> DEFAULT_EXCLUDES = List.of("*.tmp", ".*.swp", "*~");

  /**
   * @throws IllegalArgumentException if the name is invalid or a glob does not parse
   */
  public WatchedRoot {
    if (!FileKey.isValidRoot(name)) {
      throw new IllegalArgumentException(
          "invalid root name '" + name + "': it must match [A-Za-z0-9._-]+");
    }
    directory = directory.toAbsolutePath().normalize();
    includes = List.copyOf(includes);
    excludes = List.copyOf(excludes);
    for (String glob : includes) {
      requireGlob(name, glob);
    }
    for (String glob : excludes) {
      requireGlob(name, glob);
    }
  }

  /** A root with no includes and the {@link #DEFAULT_EXCLUDES}. */
  public static WatchedRoot of(String name, Path directory) {
    return new WatchedRoot(name, directory, List.of(), DEFAULT_EXCLUDES);
  }

  /** This root with other globs. */
  public WatchedRoot withGlobs(List<String> includes, List<String> excludes) {
    return new WatchedRoot(name, directory, includes, excludes);
  }

  private static void requireGlob(String root, String glob) {
    if (glob.isEmpty()) {
      throw new IllegalArgumentException("root '" + root + "': an empty glob matches nothing");
    }
    try {
      FileSystems.getDefault().getPathMatcher("glob:" + glob);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(
          "root '" + root + "': invalid glob '" + glob + "': " + e.getDescription(), e);
    }
  }
}
