package io.hashstream.runtime.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A started service's child process with what its stop must finish: the AOT cache it may be
 * training and the pid file that marks it as this data directory's.
 */
final class RunningChild {
  private final ChildProcess process;
  private final AotCache cache;
  private final AotCache.Plan plan;
  private final Path pidFile;

  RunningChild(ChildProcess process, AotCache cache, AotCache.Plan plan, Path pidFile) {
    this.process = process;
    this.cache = cache;
    this.plan = plan;
    this.pidFile = pidFile;
  }

  ChildProcess process() {
    return process;
  }

  void requestStop() {
    process.requestStop();
  }

  boolean serving(int port) {
    return process.isAlive() && Ports.accepts(port);
  }

  /**
   * Stops the process, giving a training JVM the longer grace it needs to write its cache, then
   * adopts or discards the cache and removes the pid file.
   */
  void stop(Duration grace, Duration trainingGrace) throws IOException {
    boolean clean = process.stop(plan instanceof AotCache.Plan.Train ? trainingGrace : grace);
    cache.finish(plan, clean);
    Files.deleteIfExists(pidFile);
  }

  /** After an exit on its own: whatever it was training is not trusted, and it holds no pid. */
  void reap() throws IOException {
    if (process.isAlive()) {
      throw new IllegalStateException(process.name() + " (pid " + process.pid() + ") still runs");
    }
    cache.finish(plan, false);
    Files.deleteIfExists(pidFile);
  }
}
