package io.hashstream.nativeio;

import java.io.IOException;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * A regular file opened by a {@link FileOpener}. It reads through its opener's buffer, so it is
 * used on the opener's thread only, and closed before the opener is.
 */
public sealed interface OpenFile extends AutoCloseable
    permits LinuxFileOpener.NativeOpenFile, JavaFileOpener.JavaOpenFile {

  /** The file's state when it was opened: always {@link io.hashstream.nativeio.FileKind#REGULAR}. */
  FileState state();

  /**
   * Feeds every byte from the start of the file to its end, as it is during the read, to {@code
   * digest} ({@code update} only: the caller resets and finishes it).
   *
   * @return the number of bytes read
   */
  long update(MessageDigest digest) throws IOException;

  /**
   * The file's state now, to compare with {@link #state()} after a read. The native opener asks
   * the open descriptor (the same inode: never empty); the Java fallback asks the path again
   * (empty if nothing is there any more).
   */
  Optional<FileState> recheck() throws IOException;

  /** Closes the file; a second call does nothing. */
  @Override
  void close();
}
