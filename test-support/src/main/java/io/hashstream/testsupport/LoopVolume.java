package io.hashstream.testsupport;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * An ext4 file system in an image file, loop-mounted where a test says: a real volume that can be
 * unmounted and mounted again with its content and identity (a tmpfs loses both). Needs root; a
 * test calls {@link #assumeRoot} first, which skips it with a message otherwise. {@link #close}
 * unmounts it (lazily, so a process that still holds it open cannot keep it mounted) and deletes
 * the image.
 */
public final class LoopVolume implements AutoCloseable {
  private final Path image;
  private @Nullable Path mountedAt;

  private LoopVolume(Path image) {
    this.image = image;
  }

  /** Skips the calling test unless it runs as root, which mounting needs. */
  public static void assumeRoot() {
    assumeTrue(isRoot(), "skipped: mounting a loop-mounted ext4 image needs root");
  }

  static boolean isRoot() {
    try {
      return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /** Makes an empty ext4 file system of {@code mebibytes} in {@code image}. */
  public static LoopVolume create(Path image, int mebibytes) throws IOException, InterruptedException {
    // A sparse file: only what mkfs writes takes space.
    try (FileChannel file = FileChannel.open(image, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      file.write(ByteBuffer.allocate(1), ((long) mebibytes << 20) - 1);
    }
    run("mkfs.ext4", "-q", "-F", image.toString());
    return new LoopVolume(image);
  }

  /** Mounts the volume on {@code mountpoint}, an existing directory. */
  public void mount(Path mountpoint) throws IOException, InterruptedException {
    if (mountedAt != null) {
      throw new IllegalStateException("mounted already at " + mountedAt);
    }
    run("mount", "-o", "loop", image.toString(), mountpoint.toString());
    mountedAt = mountpoint;
  }

  /** {@code umount}: fails (EBUSY) while a process holds a file or directory of it open. */
  public void unmount() throws IOException, InterruptedException {
    run("umount", requireMounted().toString());
    mountedAt = null;
  }

  /** {@code umount -l}: detached at once; processes that hold it open keep seeing it. */
  public void unmountLazily() throws IOException, InterruptedException {
    run("umount", "-l", requireMounted().toString());
    mountedAt = null;
  }

  private Path requireMounted() {
    Path at = mountedAt;
    if (at == null) {
      throw new IllegalStateException("not mounted");
    }
    return at;
  }

  @Override
  public void close() throws IOException {
    try {
      if (mountedAt != null) {
        unmountLazily();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while unmounting " + mountedAt, e);
    } finally {
      Files.deleteIfExists(image);
    }
  }

  /**
   * Bit rot, made by hand: the first block of {@code file}, a file on the mounted volume, rewritten
   * with {@code seed}'s random bytes beneath the file system (unmounted, the image written, mounted
   * again where it was). The file system sees no write: no time of the file moves.
   */
  public void rotFirstBlock(Path file, long seed) throws IOException, InterruptedException {
    Path mountpoint = requireMounted();
    long offset = offsetOfFirstBlock(file);
    unmount();
    byte[] rot = new byte[4096];
    new java.util.Random(seed).nextBytes(rot);
    writeBeneath(offset, rot);
    mount(mountpoint);
  }

  /**
   * Where the first block of {@code file}, a file on the mounted volume, lies in the image, in
   * bytes: what {@code filefrag} says after a {@code sync}.
   */
  public long offsetOfFirstBlock(Path file) throws IOException, InterruptedException {
    requireMounted();
    run("sync");
    String report = run("filefrag", "-v", "-b4096", file.toString());
    // "   0:        0..       0:      34816..     34816:      1:             last,eof"
    Matcher extent = Pattern.compile("(?m)^\\s*0:\\s*0\\.\\.\\s*\\d+:\\s*(\\d+)\\.\\.").matcher(report);
    if (!extent.find()) {
      throw new IOException("filefrag gave no first extent for " + file + ":\n" + report);
    }
    return Long.parseLong(extent.group(1)) * 4096;
  }

  /**
   * Writes {@code bytes} into the image at {@code offset} while the volume is not mounted: beneath
   * the file system, which sees no write, so no time of any file changes.
   */
  public void writeBeneath(long offset, byte[] bytes) throws IOException {
    if (mountedAt != null) {
      throw new IllegalStateException("unmount the volume first: a mounted one would not see the write");
    }
    try (FileChannel file = FileChannel.open(image, StandardOpenOption.WRITE)) {
      file.write(ByteBuffer.wrap(bytes), offset);
      file.force(false);
    }
  }

  /** Runs {@code command}, waiting at most 60 s; its output, or an exception that holds it. */
  static String run(String... command) throws IOException, InterruptedException {
    List<String> line = new ArrayList<>(List.of(command));
    Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException(String.join(" ", line) + " did not finish within 60 s");
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (process.exitValue() != 0) {
      throw new IOException(String.join(" ", line) + " failed (exit " + process.exitValue() + "): " + output);
    }
    return output;
  }
}
