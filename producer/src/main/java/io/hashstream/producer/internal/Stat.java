package io.hashstream.producer.internal;

import io.hashstream.nativeio.StatTime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code lstat} of a path: never follows a link. Uses the {@code unix} attribute view where the
 * platform has it (Linux, macOS), which gives the device and inode in the same call; elsewhere the
 * basic view, without identity.
 */
public final class Stat {
  private static final String UNIX_ATTRIBUTES = "unix:size,lastModifiedTime,ctime,mode,dev,ino";
  private static final int S_IFMT = 0170000;
  private static final int S_IFREG = 0100000;
  private static final int S_IFDIR = 0040000;
  private static final int S_IFLNK = 0120000;
  private static final boolean UNIX =
      Path.of("").getFileSystem().supportedFileAttributeViews().contains("unix");

  private Stat() {}

  /**
   * The state of {@code path}, or null if nothing is there (or a parent is no longer a directory).
   *
   * @throws IOException if the path exists but cannot be examined (permission denied)
   */
  public static @Nullable FileState lstat(Path path) throws IOException {
    try {
      if (UNIX) {
        return fromUnix(Files.readAttributes(path, UNIX_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS));
      }
      return FileState.of(
          Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS), null);
    } catch (NoSuchFileException | NotDirectoryException e) {
      return null;
    } catch (IOException e) {
      // A name that ends in a file used as a directory (ENOTDIR) surfaces as a FileSystemException.
      if (Files.notExists(path, LinkOption.NOFOLLOW_LINKS)) {
        return null;
      }
      throw e;
    }
  }

  /**
   * The state of {@code relative} under {@code root} as a file of the tree: like {@link #lstat},
   * and null when a directory on the way is now a symbolic link (which the kernel would follow, and
   * whose target's files are not the tree's; the scans never descend into one either).
   *
   * @throws IOException if the path exists but cannot be examined
   */
  public static @Nullable FileState lstatInTree(Path root, String relative) throws IOException {
    Path file = relative.isEmpty() ? root : root.resolve(relative);
    int slash = relative.lastIndexOf('/');
    if (slash > 0) {
      Path parent = root.resolve(relative.substring(0, slash));
      Path realParent;
      try {
        realParent = parent.toRealPath();
      } catch (NoSuchFileException | NotDirectoryException e) {
        return null;
      } catch (IOException e) {
        if (Files.notExists(parent, LinkOption.NOFOLLOW_LINKS)) {
          return null;
        }
        throw e;
      }
      if (!realParent.equals(root.toRealPath().resolve(relative.substring(0, slash)))) {
        return null;
      }
    }
    return lstat(file);
  }

  /**
   * The producer's state of what the native reader saw: the same values as {@link #lstat} reads
   * through the JDK (the device encoded as the JDK's {@code unix:dev}, times in nanoseconds).
   */
  public static FileState of(io.hashstream.nativeio.FileState seen) {
    FileType type =
        switch (seen.kind()) {
          case REGULAR -> FileType.REGULAR;
          case DIRECTORY -> FileType.DIRECTORY;
          case SYMLINK -> FileType.SYMLINK;
          case FIFO, DEVICE, SOCKET, OTHER -> FileType.OTHER;
        };
    io.hashstream.nativeio.FileState.Identity identity = seen.identity();
    return new FileState(
        type,
        seen.size(),
        nanos(seen.modified()),
        seen.changed() == null ? null : nanos(seen.changed()),
        identity == null ? null : new FileState.Identity(identity.device(), identity.inode()));
  }

  private static @Nullable Long nanos(StatTime time) {
    return FileState.nanos(time.seconds(), time.nanos());
  }

  private static FileState fromUnix(Map<String, Object> attributes) {
    int mode = attribute(attributes, "mode", Integer.class);
    FileType type =
        switch (mode & S_IFMT) {
          case S_IFREG -> FileType.REGULAR;
          case S_IFDIR -> FileType.DIRECTORY;
          case S_IFLNK -> FileType.SYMLINK;
          default -> FileType.OTHER;
        };
    long size = attribute(attributes, "size", Long.class);
    FileTime modified = attribute(attributes, "lastModifiedTime", FileTime.class);
    FileTime changed = attribute(attributes, "ctime", FileTime.class);
    FileState.Identity identity =
        new FileState.Identity(
            attribute(attributes, "dev", Long.class), attribute(attributes, "ino", Long.class));
    return new FileState(type, size, FileState.nanos(modified), FileState.nanos(changed), identity);
  }

  private static <T> T attribute(Map<String, Object> attributes, String name, Class<T> type) {
    Object value = attributes.get(name);
    if (value == null) {
      throw new IllegalStateException("the unix attribute view gave no '" + name + "'");
    }
    return type.cast(value);
  }
}
