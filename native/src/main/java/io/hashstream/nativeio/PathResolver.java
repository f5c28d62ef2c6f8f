package io.hashstream.nativeio;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * Resolves an event's relative path under the consumer's own directory for its root, refusing any
 * path that could reach outside it: absolute paths, {@code .} and {@code ..} segments, NUL, and
 * parent directories that lead outside the root's real path through a symbolic link. The final
 * segment is never followed: whatever is there is examined as itself.
 */
public final class PathResolver {
  private final Path rootReal;

  /** @param rootReal the root's real path ({@link Path#toRealPath}) */
  public PathResolver(Path rootReal) {
    this.rootReal = rootReal;
  }

  /** Where an event's path leads. */
  public sealed interface Resolution {
    /** A path inside the root, its parent directories resolved. */
    record Inside(Path file) implements Resolution {}

    /** Its parent directory does not exist (or is not a directory): the file is gone. */
    record ParentMissing() implements Resolution {}

    /** Its directory leads outside the root through a symbolic link: not a file of the tree. */
    record Outside(Path realParent) implements Resolution {}

    /** The path must not be opened. */
    record Refused(String reason) implements Resolution {}
  }

  public Resolution resolve(String relative) {
    if (relative.isEmpty()) {
      return new Resolution.Refused("the path is empty");
    }
    if (relative.startsWith("/")) {
      return new Resolution.Refused("the path is absolute");
    }
    if (relative.indexOf('\0') >= 0) {
      return new Resolution.Refused("the path contains NUL");
    }
    String[] segments = relative.split("/", -1);
    for (String segment : segments) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return new Resolution.Refused("the path has an empty, '.' or '..' segment");
      }
    }
    Path parent = rootReal;
    for (int i = 0; i < segments.length - 1; i++) {
      parent = parent.resolve(segments[i]);
    }
    Path realParent;
    try {
      realParent = parent.toRealPath();
    } catch (NoSuchFileException | NotDirectoryException e) {
      return new Resolution.ParentMissing();
    } catch (FileSystemException e) {
      return new Resolution.Refused("its directory cannot be resolved: " + e.getMessage());
    } catch (IOException e) {
      return new Resolution.Refused("its directory cannot be resolved: " + e);
    }
    if (!realParent.startsWith(rootReal)) {
      return new Resolution.Outside(realParent);
    }
    return new Resolution.Inside(realParent.resolve(segments[segments.length - 1]));
  }
}
