package io.hashstream.producer.internal;

import io.hashstream.nativeio.StatFs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Which directory a root is: its device and inode, and the identity of its file system ({@link
 * StatFs}) where this host can tell it. Mount ids change at every mount and are reused, and a
 * device number changes when the same volume comes back on another device, so the file system's
 * identity with the root's inode decides where it is known; the device number only where it is not.
 *
 * @param fileSystem {@code type:fsid}, or null where {@code statfs} cannot be asked
 */
public record RootIdentity(long device, long inode, @Nullable String fileSystem) {
  /**
   * The identity of the directory at {@code directory} (a symbolic link to it is followed, as for a
   * root); null if nothing, or something other than a directory, is there.
   *
   * @throws IOException if it cannot be examined
   */
  static @Nullable RootIdentity of(Path directory) throws IOException {
    Map<String, Object> attributes;
    try {
      attributes = Files.readAttributes(directory, "unix:dev,ino,isDirectory");
    } catch (NoSuchFileException | NotDirectoryException e) {
      return null;
    }
    if (!Boolean.TRUE.equals(attributes.get("isDirectory"))) {
      return null;
    }
    long device = ((Number) Objects.requireNonNull(attributes.get("dev"))).longValue();
    long inode = ((Number) Objects.requireNonNull(attributes.get("ino"))).longValue();
    return new RootIdentity(device, inode, StatFs.fileSystem(directory).orElse(null));
  }

  /** Whether {@code other} is the same directory of the same file system. */
  boolean sameAs(RootIdentity other) {
    if (inode != other.inode) {
      return false;
    }
    if (fileSystem != null && other.fileSystem != null) {
      return fileSystem.equals(other.fileSystem);
    }
    return device == other.device;
  }

  /** For log lines and {@code /health}. */
  String describe() {
    return "inode " + inode + " on " + (fileSystem == null ? "" : "file system " + fileSystem + ", ") + "device " + device;
  }
}
