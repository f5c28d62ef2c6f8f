package io.hashstream.runtime.internal;

import io.hashstream.runtime.LocalRuntimeException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The runtime's data directory, held by one runtime at a time through an OS file lock (released by
 * the OS when its holder dies, so a crash never leaves the directory locked).
 *
 * <p>Layout: {@code kafka/} (the broker's configuration, log and console output), {@code registry/}
 * (the registry's H2 database), {@code aot/} (AOT caches), {@code lib/} (the watchdog agent), and
 * {@code runtime.lock}, which names the holder's pid.
 */
public final class DataDirectory implements AutoCloseable {
  private final Path root;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private DataDirectory(Path root, FileChannel lockChannel, FileLock lock) {
    this.root = root;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Locks {@code root}, creating it if needed.
   *
   * @throws LocalRuntimeException.DataDirectoryInUse if another runtime holds it
   */
  public static DataDirectory lock(Path root) throws IOException {
    Files.createDirectories(root);
    Path lockFile = root.resolve("runtime.lock");
    FileChannel channel =
        FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      String holder = readHolder(lockFile).map(pid -> " (pid " + pid + ")").orElse("");
      channel.close();
      throw new LocalRuntimeException.DataDirectoryInUse(
          "the data directory "
              + root
              + " is in use by another hashstream runtime"
              + holder
              + "; stop that one first, or choose another directory with --data-dir");
    }
    channel.truncate(0);
    channel.write(
        StandardCharsets.US_ASCII.encode(Long.toString(ProcessHandle.current().pid())), 0);
    channel.force(false);
    return new DataDirectory(root, channel, lock);
  }

  public Path root() {
    return root;
  }

  public Path kafka() {
    return root.resolve("kafka");
  }

  public Path registry() {
    return root.resolve("registry");
  }

  public Path aot() {
    return root.resolve("aot");
  }

  public Path lib() {
    return root.resolve("lib");
  }

  /**
   * Refuses to start while a child of an earlier runtime on this directory still runs: the lock is
   * free once its launcher died, but an orphan would still hold the broker's log or the registry's
   * database. Each child records its pid in {@code pidFile} and carries the data directory in a
   * system property, so a recycled pid is never mistaken for it.
   */
  public void requireNoLeftover(Path pidFile, String service) throws IOException {
    if (!Files.isRegularFile(pidFile)) {
      return;
    }
    Optional<Long> pid = readHolder(pidFile);
    Optional<ProcessHandle> process = pid.flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive);
    if (process.isPresent() && ownedByThisDirectory(process.get())) {
      throw new LocalRuntimeException.DataDirectoryInUse(
          "a "
              + service
              + " left over from an earlier run (pid "
              + process.get().pid()
              + ") still uses the data directory "
              + root
              + "; stop it with: kill "
              + process.get().pid());
    }
    Files.delete(pidFile);
  }

  /** The system property that marks a child as this directory's. */
  public String ownerMarker() {
    return "-Dhashstream.runtime.dir=" + root;
  }

  private boolean ownedByThisDirectory(ProcessHandle process) {
    String marker = ownerMarker();
    return process.info().arguments().map(args -> java.util.Arrays.asList(args).contains(marker)).orElse(true);
  }

  private static Optional<Long> readHolder(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
      return text.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(text));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      lockChannel.close();
    }
  }
}
