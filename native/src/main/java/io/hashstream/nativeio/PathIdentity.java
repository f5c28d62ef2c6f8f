package io.hashstream.nativeio;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The device and inode one path names now, symbolic links followed, as {@code stat} reports them:
 * one {@code statx} of a path encoded once, for a check made before every file (is the root still
 * the directory that was opened?). The JDK's {@code Files.readAttributes} builds the path and an
 * attributes object each time, three times the cost of the call itself (bench/e2e step 7).
 *
 * <p>Safe for concurrent callers: each call uses buffers of its own. Owns the encoded path; closed
 * once, after its callers stopped.
 */
public final class PathIdentity implements AutoCloseable {
  private final Path path;
  /** This object's, closed by {@link #close}. */
  private final Arena arena = Arena.ofShared();
  private final MemorySegment encoded;

  private PathIdentity(Path path) {
    this.path = path;
    this.encoded = arena.allocateFrom(path.toString());
  }

  /** A reader of {@code path}'s identity, or empty where the native calls cannot run. */
  public static Optional<PathIdentity> of(Path path) {
    return LinuxSupport.available() ? Optional.of(new PathIdentity(path)) : Optional.empty();
  }

  /**
   * The identity of what the path names now.
   *
   * @throws NoSuchFileException if nothing is there
   * @throws IOException if it cannot be examined, or its file system gives no inode
   */
  public FileState.Identity current() throws IOException {
    try (Arena call = Arena.ofConfined()) {
      MemorySegment capture = Downcalls.newCapture(call);
      MemorySegment statx = call.allocate(LinuxCalls.STATX);
      if (LinuxCalls.statxFollowing(capture, encoded, statx) != 0) {
        int errno = Downcalls.errno(capture);
        throw switch (errno) {
          case Errno.ENOENT -> new NoSuchFileException(path.toString());
          case Errno.ENOTDIR -> new NotDirectoryException(path.toString());
          default -> new IOException(path + ": " + Errno.describe(errno));
        };
      }
      FileState.Identity identity = LinuxCalls.fileState(statx).identity();
      if (identity == null) {
        throw new IOException(path + ": its file system gives no device and inode");
      }
      return identity;
    }
  }

  /** Frees the encoded path; a second call does nothing. */
  @Override
  public void close() {
    if (arena.scope().isAlive()) {
      arena.close();
    }
  }
}
