package io.hashstream.nativeio;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * {@code lstat} of a path with one {@code statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW)}: the path
 * copied into a buffer this reader keeps, the state read from its own statx buffer, nothing
 * allocated per call but the state. Where the native opener cannot run ({@link #open} is empty),
 * callers use the JDK.
 *
 * <p>Owns its arena: built on any thread, used by one thread at a time (a second concurrent user
 * gets a {@link java.util.ConcurrentModificationException}), closed once.
 */
public final class PathStat implements AutoCloseable {
  /** PATH_MAX: a longer path is copied into memory of its own call. */
  private static final int PATH_BYTES = 4096;

  private final OwnedArena owned;
  private final MemorySegment capture;
  private final MemorySegment statx;
  private final MemorySegment pathBuffer;

  private PathStat(OwnedArena owned) {
    this.owned = owned;
    Arena arena = owned.arena();
    this.capture = Downcalls.newCapture(arena);
    this.statx = arena.allocate(LinuxCalls.STATX);
    this.pathBuffer = arena.allocate(PATH_BYTES);
  }

  /** A reader, or empty where the native calls cannot run ({@link DirectoryReader#unavailable}). */
  public static Optional<PathStat> open() {
    if (!LinuxSupport.available()) {
      return Optional.empty();
    }
    return Optional.of(new PathStat(new OwnedArena("path reader")));
  }

  /**
   * What {@code lstat} shows of {@code path}; null if nothing is there (or a directory on the way is
   * not one).
   *
   * @throws IOException if it is there but cannot be examined (permission denied, I/O)
   */
  public @Nullable FileState lstat(Path path) throws IOException {
    owned.enter();
    try {
      byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
      if (name.length < PATH_BYTES) {
        MemorySegment.copy(name, 0, pathBuffer, JAVA_BYTE, 0, name.length);
        pathBuffer.set(JAVA_BYTE, name.length, (byte) 0);
        return stat(pathBuffer);
      }
      try (Arena call = Arena.ofConfined()) {
        return stat(call.allocateFrom(path.toString()));
      }
    } finally {
      owned.exit();
    }
  }

  private @Nullable FileState stat(MemorySegment path) throws IOException {
    if (LinuxCalls.statxAt(capture, LinuxCalls.AT_FDCWD, path, statx) == 0) {
      return LinuxCalls.fileState(statx);
    }
    int errno = Downcalls.errno(capture);
    if (errno == Errno.ENOENT || errno == Errno.ENOTDIR) {
      return null;
    }
    throw new IOException(Errno.describe(errno));
  }

  /** Frees the buffers; a second call does nothing. */
  @Override
  public void close() {
    owned.close();
  }

}
