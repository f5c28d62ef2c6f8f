package io.hashstream.nativeio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Optional;

/**
 * {@code lstat} through the JDK: the {@code unix} attribute view where the platform has it (device,
 * inode, file type bits, nanosecond times), the basic view elsewhere.
 */
public final class FileStats {
  private static final int S_IFMT = 0170000;
  private static final int S_IFSOCK = 0140000;
  private static final int S_IFLNK = 0120000;
  private static final int S_IFREG = 0100000;
  private static final int S_IFBLK = 0060000;
  private static final int S_IFDIR = 0040000;
  private static final int S_IFCHR = 0020000;
  private static final int S_IFIFO = 0010000;
  private static final boolean UNIX_VIEW =
      java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("unix");

  private FileStats() {}

  /** The state of {@code path} without following a final symlink; empty if nothing is there. */
  public static Optional<FileState> lstat(Path path) throws IOException {
    try {
      return Optional.of(UNIX_VIEW ? unix(path) : basic(path));
    } catch (NoSuchFileException | NotDirectoryException e) {
      return Optional.empty();
    }
  }

  private static FileState unix(Path path) throws IOException {
    Map<String, Object> attributes =
        Files.readAttributes(path, "unix:mode,size,lastModifiedTime,ctime,dev,ino", LinkOption.NOFOLLOW_LINKS);
    int mode = attribute(attributes, "mode", Integer.class);
    FileKind kind =
        switch (mode & S_IFMT) {
          case S_IFREG -> FileKind.REGULAR;
          case S_IFDIR -> FileKind.DIRECTORY;
          case S_IFLNK -> FileKind.SYMLINK;
          case S_IFIFO -> FileKind.FIFO;
          case S_IFCHR, S_IFBLK -> FileKind.DEVICE;
          case S_IFSOCK -> FileKind.SOCKET;
          default -> FileKind.OTHER;
        };
    return new FileState(
        kind,
        attribute(attributes, "size", Long.class),
        StatTime.of(attribute(attributes, "lastModifiedTime", FileTime.class)),
        StatTime.of(attribute(attributes, "ctime", FileTime.class)),
        new FileState.Identity(
            attribute(attributes, "dev", Long.class), attribute(attributes, "ino", Long.class)));
  }

  private static <T> T attribute(Map<String, Object> attributes, String name, Class<T> type)
      throws IOException {
    Object value = attributes.get(name);
    if (!type.isInstance(value)) {
      throw new IOException("the file system did not report the attribute unix:" + name);
    }
    return type.cast(value);
  }

  private static FileState basic(Path path) throws IOException {
    BasicFileAttributes attributes =
        Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    FileKind kind;
    if (attributes.isRegularFile()) {
      kind = FileKind.REGULAR;
    } else if (attributes.isDirectory()) {
      kind = FileKind.DIRECTORY;
    } else if (attributes.isSymbolicLink()) {
      kind = FileKind.SYMLINK;
    } else {
      kind = FileKind.OTHER;
    }
    return new FileState(kind, attributes.size(), StatTime.of(attributes.lastModifiedTime()), null, null);
  }
}
