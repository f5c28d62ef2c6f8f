package io.hashstream.nativeio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The checked Java path, for every platform and for kernels without {@code openat2}: {@link
 * PathResolver} resolves the directories, {@link FileStats#lstat} checks the type, then {@link
 * FileChannel#open} opens without following a final link.
 *
 * <p>The window it leaves (see the package documentation): a FIFO swapped in between the check and
 * the open blocks the thread in {@code open(2)} until a writer comes; a directory swapped for a
 * symbolic link between the resolution and the open leads the open outside the root.
 */
final class JavaFileOpener implements FileOpener {
  /** Heap arrays of 64 KiB hashed fastest here (see {@code native/README.md}). */
  private static final int BUFFER_SIZE = 64 * 1024;

  private final byte[] buffer = new byte[BUFFER_SIZE];
  private final ByteBuffer wrapped = ByteBuffer.wrap(buffer);
  private final OwnerGuard guard = new OwnerGuard();
  private volatile boolean closed;

  @Override
  public OpenOutcome open(RootDirectory root, String relativePath) {
    guard.enter();
    try {
      if (closed) {
        throw new IllegalStateException("the file opener is closed");
      }
      var _ = root.acquire(); // fails if the root is closed, as the native opener does
      try {
        return openChecked(root.path(), relativePath);
      } finally {
        root.release();
      }
    } finally {
      guard.exit();
    }
  }

  private OpenOutcome openChecked(Path rootReal, String relativePath) {
    String refusal = RelativePaths.refusal(relativePath);
    if (refusal != null) {
      return new OpenOutcome.Refused(refusal);
    }
    PathResolver.Resolution resolution;
    Path lexical;
    try {
      lexical = rootReal.resolve(relativePath);
      resolution = new PathResolver(rootReal).resolve(relativePath);
    } catch (InvalidPathException e) {
      return new OpenOutcome.Refused(RelativePaths.unencodable());
    }
    return switch (resolution) {
      case PathResolver.Resolution.Refused refused -> new OpenOutcome.Refused(refused.reason());
      case PathResolver.Resolution.ParentMissing missing -> new OpenOutcome.Gone();
      case PathResolver.Resolution.Outside outside ->
          new OpenOutcome.NotInTree(
              "its directory leads outside the root through a symbolic link (to "
                  + outside.realParent()
                  + ")");
      case PathResolver.Resolution.Inside inside ->
          inside.file().equals(lexical)
              ? openRegular(inside.file())
              // Where the native opener runs, it follows no link at all: refuse the same paths.
              : new OpenOutcome.NotInTree(
                  "a directory on the way to the file is a symbolic link (its directory is really "
                      + inside.file().getParent()
                      + ")");
    };
  }

  private OpenOutcome openRegular(Path file) {
    FileState state;
    try {
      Optional<FileState> before = FileStats.lstat(file);
      if (before.isEmpty()) {
        return new OpenOutcome.Gone();
      }
      state = before.get();
    } catch (AccessDeniedException e) {
      return new OpenOutcome.Unreadable(
          "permission denied: a directory on the way cannot be searched", null);
    } catch (IOException e) {
      // Not a permission (AccessDeniedException above): an I/O error or a limit, worth a later try.
      return new OpenOutcome.Unreadable(describe(e), null, true);
    }
    if (state.kind() != FileKind.REGULAR) {
      return new OpenOutcome.NotRegular(state);
    }
    // The window: what is at the path may change between the lstat above and this open.
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return new OpenOutcome.Gone();
    } catch (AccessDeniedException e) {
      return new OpenOutcome.Unreadable("permission denied", state);
    } catch (IOException e) {
      // A symbolic link swapped in fails O_NOFOLLOW (a plain IOException, ELOOP): look again.
      return afterFailedOpen(file, state, e);
    }
    return new OpenOutcome.Opened(new JavaOpenFile(channel, file, state));
  }

  private static OpenOutcome afterFailedOpen(Path file, FileState state, IOException failure) {
    try {
      Optional<FileState> now = FileStats.lstat(file);
      if (now.isEmpty()) {
        return new OpenOutcome.Gone();
      }
      if (now.get().kind() != FileKind.REGULAR) {
        return new OpenOutcome.NotRegular(now.get());
      }
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
    return new OpenOutcome.Unreadable(describe(failure), state, true);
  }

  /** The reason without the path (the event names it already), where the exception has one. */
  private static String describe(IOException e) {
    String message =
        e instanceof FileSystemException fileSystem ? fileSystem.getReason() : e.getMessage();
    return message == null ? e.getClass().getSimpleName() : message;
  }

  @Override
  public String description() {
    return "the checked Java path (lstat, then open without following a final link)";
  }

  @Override
  public void close() {
    closed = true;
  }

  /** A file open through a {@link FileChannel}, read through the opener's heap buffer. */
  final class JavaOpenFile implements OpenFile {
    private final FileChannel channel;
    private final Path file;
    private final FileState state;

    private JavaOpenFile(FileChannel channel, Path file, FileState state) {
      this.channel = channel;
      this.file = file;
      this.state = state;
    }

    @Override
    public FileState state() {
      return state;
    }

    @Override
    public long update(MessageDigest digest) throws IOException {
      guard.enter();
      try {
        if (closed) {
          throw new IllegalStateException("the file opener is closed");
        }
        long position = 0;
        while (true) {
          wrapped.clear();
          int read = channel.read(wrapped, position);
          if (read < 0) {
            return position;
          }
          digest.update(buffer, 0, read);
          position += read;
        }
      } finally {
        guard.exit();
      }
    }

    @Override
    public Optional<FileState> recheck() throws IOException {
      return FileStats.lstat(file);
    }

    @Override
    public void close() {
      try {
        channel.close();
      } catch (IOException e) {
        // Closing a file opened for reading loses nothing: no data is waiting to be written.
      }
    }
  }
}
