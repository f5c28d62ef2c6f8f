package io.hashstream.runtime.internal;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Files and directories of secrets: created readable by their owner alone, before any is written. */
final class OwnerOnly {
  private OwnerOnly() {}

  static void createDirectory(Path directory) throws IOException {
    try {
      Files.createDirectories(directory.getParent());
      Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (FileAlreadyExistsException e) {
      // An earlier start made it; its mode is set again below.
    }
    Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
  }

  /** Creates {@code file} empty if missing, then makes it owner-only, so no secret is ever world-readable. */
  static void createFile(Path file) throws IOException {
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (FileAlreadyExistsException e) {
      // Written again in place.
    }
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
  }

  static void write(Path file, String content) throws IOException {
    createFile(file);
    Files.writeString(file, content, java.nio.charset.StandardCharsets.UTF_8);
  }
}
