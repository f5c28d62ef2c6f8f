package io.hashstream.consumer.verify;

import io.hashstream.consumer.internal.FileHashing;
import io.hashstream.nativeio.RootDirectory;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A root as continuous verify opens files beneath it: the directory the configured path names now
 * (opened anew when it names another, as after a mount), and never waited for. The verifier thread
 * only.
 */
final class VerifyRoot implements FileHashing.RootView, AutoCloseable {
  private final Path configured;
  private @Nullable RootDirectory directory;
  private @Nullable Object identity;

  VerifyRoot(Path configured) {
    this.configured = configured;
  }

  /** The path of the root's files as this host sees it. */
  Path resolve(String relativePath) {
    return configured.resolve(relativePath);
  }

  /** Brings the held directory up to date; false if the root cannot be opened now. */
  boolean refresh() {
    try {
      Object now = Files.readAttributes(configured, BasicFileAttributes.class).fileKey();
      if (directory == null || !Objects.equals(now, identity)) {
        RootDirectory fresh = RootDirectory.open(configured.toRealPath());
        close();
        directory = fresh;
        identity = now;
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether the root shows nothing: an unmounted volume, whose files are not gone. */
  boolean empty() {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(configured)) {
      return !entries.iterator().hasNext();
    } catch (IOException e) {
      return true;
    }
  }

  @Override
  public RootDirectory directory() {
    RootDirectory held = directory;
    if (held == null) {
      throw new IllegalStateException("refresh() opens the root before files are opened beneath it");
    }
    return held;
  }

  @Override
  public boolean awaitVisible() {
    return false;
  }

  @Override
  public void close() {
    RootDirectory held = directory;
    if (held != null) {
      held.close();
      directory = null;
    }
  }
}
