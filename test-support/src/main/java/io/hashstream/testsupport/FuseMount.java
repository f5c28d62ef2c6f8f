package io.hashstream.testsupport;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * A FUSE file system ({@code bindfs}) that shows one directory at another: what a network share
 * looks like to inotify. A change made in the source directory raises no event at the mountpoint,
 * as a change made on another host raises none on an NFS or SMB client, and {@code statfs} reports
 * the FUSE type. Needs root and {@code bindfs} ({@code apt-get install bindfs}, which {@code .ci/run}
 * does); {@link #assumeAvailable} skips the calling test with a message otherwise. {@link #close}
 * unmounts it lazily.
 */
public final class FuseMount implements AutoCloseable {
  private @Nullable Path mountedAt;

  private FuseMount(Path mountpoint) {
    this.mountedAt = mountpoint;
  }

  /** Skips the calling test unless this process may mount a FUSE file system with bindfs. */
  public static void assumeAvailable() {
    assumeTrue(LoopVolume.isRoot(), "skipped: mounting a FUSE file system needs root");
    assumeTrue(Files.exists(Path.of("/dev/fuse")), "skipped: this machine has no /dev/fuse");
    assumeTrue(onPath("bindfs"), "skipped: bindfs is not installed (apt-get install bindfs)");
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    return java.util.regex.Pattern.compile(":")
        .splitAsStream(path)
        .anyMatch(directory -> !directory.isEmpty() && Files.isExecutable(Path.of(directory, program)));
  }

  /** Shows {@code source} at {@code mountpoint}, an existing directory, through FUSE. */
  public static FuseMount bind(Path source, Path mountpoint) throws IOException, InterruptedException {
    LoopVolume.run("bindfs", source.toString(), mountpoint.toString());
    return new FuseMount(mountpoint);
  }

  @Override
  public void close() throws IOException {
    Path at = mountedAt;
    if (at == null) {
      return;
    }
    try {
      LoopVolume.run("umount", "-l", at.toString());
      mountedAt = null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while unmounting " + at, e);
    }
  }
}
