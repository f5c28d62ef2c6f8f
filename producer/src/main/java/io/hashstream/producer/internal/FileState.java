package io.hashstream.producer.internal;

import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What one {@code lstat} of a path showed. Absence is represented by no state at all (null), never
 * by a special value.
 *
 * @param type what the path is
 * @param size the size in bytes
 * @param modifiedNanos the modification time in nanoseconds since the Unix epoch; null when it does
 *     not fit in a long
 * @param changedNanos the status change time ({@code ctime}) likewise; null also where the
 *     platform gives none (the JDK's basic view)
 * @param identity device and inode, where the operating system gives them
 */
public record FileState(
    FileType type,
    long size,
    @Nullable Long modifiedNanos,
    @Nullable Long changedNanos,
    @Nullable Identity identity) {

  /** A file's device and inode ({@code st_dev}, {@code st_ino}). */
  public record Identity(long device, long inode) {}

  /** The state that {@code attributes} describe, with the identity read beside them. */
  public static FileState of(BasicFileAttributes attributes, @Nullable Identity identity) {
    FileType type;
    if (attributes.isSymbolicLink()) {
      type = FileType.SYMLINK;
    } else if (attributes.isDirectory()) {
      type = FileType.DIRECTORY;
    } else if (attributes.isRegularFile()) {
      type = FileType.REGULAR;
    } else {
      type = FileType.OTHER;
    }
    return new FileState(type, attributes.size(), nanos(attributes.lastModifiedTime()), null, identity);
  }

  /** Nanoseconds since the epoch, or null outside what a long holds. */
  public static @Nullable Long nanos(FileTime time) {
    return nanos(time.toInstant());
  }

  /** Nanoseconds since the epoch, or null outside what a long holds. */
  public static @Nullable Long nanos(Instant instant) {
    return nanos(instant.getEpochSecond(), instant.getNano());
  }

  /** Nanoseconds since the epoch of a time given as seconds and nanoseconds, or null outside a long. */
  public static @Nullable Long nanos(long seconds, int nanos) {
    try {
      return Math.addExact(Math.multiplyExact(seconds, 1_000_000_000L), nanos);
    } catch (ArithmeticException e) {
      return null;
    }
  }

  /** The modification time as an instant, or null. */
  public @Nullable Instant modified() {
    return instant(modifiedNanos);
  }

  /** The status change time as an instant, or null. */
  public @Nullable Instant changed() {
    return instant(changedNanos);
  }

  private static @Nullable Instant instant(@Nullable Long nanos) {
    return nanos == null ? null : Instant.ofEpochSecond(0, nanos);
  }

  public boolean isDirectory() {
    return type == FileType.DIRECTORY;
  }
}
