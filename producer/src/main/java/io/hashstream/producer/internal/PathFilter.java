package io.hashstream.producer.internal;

import io.hashstream.producer.WatchedRoot;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;

/**
 * A root's includes and excludes (see {@link WatchedRoot}): a glob without {@code /} matches a name
 * in any directory, a glob with {@code /} matches the path relative to the root.
 */
public final class PathFilter {
  private final List<Glob> includes;
  private final List<Glob> excludes;

  private PathFilter(List<Glob> includes, List<Glob> excludes) {
    this.includes = includes;
    this.excludes = excludes;
  }

  public static PathFilter of(WatchedRoot root) {
    FileSystem fs = FileSystems.getDefault();
    return new PathFilter(
        root.includes().stream().map(g -> Glob.of(fs, g)).toList(),
        root.excludes().stream().map(g -> Glob.of(fs, g)).toList());
  }

  /** Accepts everything. */
  public static PathFilter none() {
    return new PathFilter(List.of(), List.of());
  }

  /** Whether a directory at {@code relative} (with {@code /} separators) is watched and scanned. */
  public boolean acceptsDirectory(String relative) {
    return !matchesAny(excludes, relative);
  }

  /** Whether a file (anything but a directory) at {@code relative} is published. */
  public boolean acceptsFile(String relative) {
    if (matchesAny(excludes, relative)) {
      return false;
    }
    return includes.isEmpty() || matchesAny(includes, relative);
  }

  private static boolean matchesAny(List<Glob> globs, String relative) {
    if (globs.isEmpty()) {
      return false;
    }
    Path path = Path.of(relative);
    Path last = path.getFileName();
    Path name = last == null ? path : last;
    for (Glob glob : globs) {
      if (glob.matches(path, name)) {
        return true;
      }
    }
    return false;
  }

  private record Glob(PathMatcher matcher, boolean wholePath) {
    static Glob of(FileSystem fs, String glob) {
      return new Glob(fs.getPathMatcher("glob:" + glob), glob.contains("/"));
    }

    boolean matches(Path path, Path name) {
      return matcher.matches(wholePath ? path : name);
    }
  }
}
