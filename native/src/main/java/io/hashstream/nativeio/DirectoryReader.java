package io.hashstream.nativeio;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Lists a directory with one {@code statx} per entry, relative to the directory's descriptor: {@code
 * open(O_DIRECTORY)}, {@code getdents64} into a 64 KiB buffer, then {@code statx(dirfd, name,
 * AT_SYMLINK_NOFOLLOW)} with the name where {@code getdents64} wrote it. The kernel walks one name
 * per entry, and nothing is allocated per entry but its name and its state. Where the native opener
 * cannot run ({@link #unavailable}), callers list through the JDK.
 *
 * <p>Owns its arena (the errno capture, the dirent buffer and the statx buffer): built on any
 * thread, used by one thread at a time (a second concurrent user gets a {@link
 * java.util.ConcurrentModificationException}), closed once its thread stopped using it.
 */
public final class DirectoryReader implements AutoCloseable {
  private static final int BUFFER_BYTES = 64 * 1024;
  private static final long D_RECLEN = 16;
  private static final long D_NAME = 19;
  private static final int NAME_MAX = 255;
  private static final int O_FLAGS = LinuxCalls.O_RDONLY | LinuxCalls.O_DIRECTORY | LinuxCalls.O_CLOEXEC | LinuxCalls.O_NONBLOCK;

  private final OwnedArena owned;
  private final MemorySegment capture;
  private final MemorySegment entries;
  private final MemorySegment statx;
  private final NativeNames names = new NativeNames();

  private DirectoryReader(OwnedArena owned) {
    this.owned = owned;
    Arena arena = owned.arena();
    this.capture = Downcalls.newCapture(arena);
    this.entries = arena.allocate(BUFFER_BYTES, 8);
    this.statx = arena.allocate(LinuxCalls.STATX);
  }

  /** Why directories cannot be read natively here; empty if they can. */
  public static Optional<String> unavailable() {
    return LinuxSupport.unavailable();
  }

  /**
   * A reader, or empty where {@link #unavailable} says why not.
   */
  public static Optional<DirectoryReader> open() {
    if (!LinuxSupport.available()) {
      return Optional.empty();
    }
    return Optional.of(new DirectoryReader(new OwnedArena("directory reader")));
  }

  /** What reading a directory found. */
  public sealed interface Listing {
    /**
     * Every entry but {@code .} and {@code ..}.
     *
     * @param entries the entries whose name is valid UTF-8, with what {@code lstat} shows of each
     * @param unrepresentable entries whose name is not valid UTF-8, left out
     * @param unexamined entries that {@code statx} could not examine (not those gone meanwhile)
     */
    record Entries(List<Entry> entries, int unrepresentable, List<Unexamined> unexamined) implements Listing {}

    /** The directory is gone, or is not a directory. */
    record Missing() implements Listing {}

    /** It could not be opened or read (permissions, I/O). */
    record Unreadable(String reason) implements Listing {}
  }

  /** One entry of a directory and its state. */
  public record Entry(String name, FileState state) {}

  /** An entry {@code statx} could not examine, and why: the caller may look at it another way. */
  public record Unexamined(String name, String reason) {}

  /** Reads {@code directory} (following symbolic links on the way to it, as {@code open} does). */
  public Listing read(Path directory) {
    owned.enter();
    try (Arena call = Arena.ofConfined()) {
      int fd = LinuxCalls.open(capture, call.allocateFrom(directory.toString()), O_FLAGS);
      if (fd < 0) {
        int errno = Downcalls.errno(capture);
        return errno == Errno.ENOENT || errno == Errno.ENOTDIR
            ? new Listing.Missing()
            : new Listing.Unreadable(Errno.describe(errno));
      }
      try {
        return entries(fd);
      } finally {
        Downcalls.close(capture, fd);
      }
    } finally {
      owned.exit();
    }
  }

  private Listing entries(int fd) {
    List<Entry> found = new ArrayList<>();
    List<Unexamined> unexamined = new ArrayList<>();
    int unrepresentable = 0;
    while (true) {
      long bytes = LinuxCalls.getdents64(capture, fd, entries);
      if (bytes < 0) {
        int errno = Downcalls.errno(capture);
        if (errno == Errno.EINTR) {
          continue;
        }
        // ENOENT: the directory was removed while being read; what was read stands as a listing
        // would have it, but the caller is told the truth.
        return errno == Errno.ENOENT ? new Listing.Missing() : new Listing.Unreadable(Errno.describe(errno));
      }
      if (bytes == 0) {
        return new Listing.Entries(found, unrepresentable, unexamined);
      }
      for (long at = 0; at < bytes; ) {
        int length = Short.toUnsignedInt(entries.get(JAVA_SHORT_UNALIGNED, at + D_RECLEN));
        MemorySegment nameAt = entries.asSlice(at + D_NAME, length - D_NAME);
        at += length;
        int nameLength = NativeNames.length(nameAt, 0, Math.min(nameAt.byteSize(), NAME_MAX + 1));
        if (isDotOrDotDot(nameAt, nameLength)) {
          continue;
        }
        String decoded = names.decode(nameAt, 0, nameLength);
        if (decoded == null) {
          unrepresentable++;
          continue;
        }
        if (LinuxCalls.statxAt(capture, fd, nameAt, statx) != 0) {
          int errno = Downcalls.errno(capture);
          if (errno != Errno.ENOENT) {
            unexamined.add(new Unexamined(decoded, Errno.describe(errno)));
          }
          continue;
        }
        try {
          found.add(new Entry(decoded, LinuxCalls.fileState(statx)));
        } catch (IOException e) {
          unexamined.add(new Unexamined(decoded, String.valueOf(e.getMessage())));
        }
      }
    }
  }

  private static boolean isDotOrDotDot(MemorySegment nameAt, int length) {
    return (length == 1 || length == 2)
        && nameAt.get(JAVA_BYTE, 0) == '.'
        && (length == 1 || nameAt.get(JAVA_BYTE, 1) == '.');
  }

  /** Frees the buffers; a second call does nothing. */
  @Override
  public void close() {
    owned.close();
  }

}
