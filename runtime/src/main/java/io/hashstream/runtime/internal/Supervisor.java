package io.hashstream.runtime.internal;

import io.hashstream.runtime.LocalRuntimeException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the local runtime's services running: a child that exits on its own (killed, out of memory)
 * is started again on the same data, after a backoff, a bounded number of times. A service that
 * keeps dying is given up: {@link #lost} completes with one line for the user, and the runtime's
 * owner stops the rest. A frozen child (SIGSTOP, a long pause) has not exited and is left alone:
 * its clients wait for it as they would for any slow broker.
 *
 * <p>Every exit and restart runs on the supervisor's one thread, in order; {@link #close} stops it
 * before the runtime stops its services, so no restart races a stop.
 */
public final class Supervisor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);
  /** Restarts counted over this window; more than {@link #MAX_RESTARTS} in it gives up. */
  static final Duration WINDOW = Duration.ofMinutes(10);

  static final int MAX_RESTARTS = 5;
  private static final long FIRST_DELAY_MILLIS = 1000;
  /**
   * Shortens the first restart's delay (milliseconds; each later one doubles it): for tests, whose
   * point is what restarts do, not how long they wait.
   */
  public static final String FIRST_DELAY_PROPERTY = "hashstream.supervisor.first-restart-delay-ms";
  private static final Duration STOP_GRACE = Duration.ofSeconds(15);

  private final Duration startTimeout;
  private final Clock clock;
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("runtime-supervisor").factory());
  /** Touched on the supervisor's thread only. */
  private final Map<LocalService, Deque<Instant>> restarts = new HashMap<>();

  private final CompletableFuture<String> lost = new CompletableFuture<>();
  private final Object lifecycle = new Object();
  private boolean closed; // guarded by lifecycle

  public Supervisor(Duration startTimeout, Clock clock) {
    this.startTimeout = startTimeout;
    this.clock = clock;
  }

  /** Watches {@code service}'s running child from now on. */
  public void watch(LocalService service) {
    ChildProcess child =
        service.process().orElseThrow(() -> new IllegalStateException(service.description() + " was not started"));
    // Nothing completes this future exceptionally: a process's exit always has a status.
    var _ = child.onExit().thenAccept(status -> submit(() -> exited(service, child, status)));
  }

  /**
   * Completes once, with one line naming the service and its logs, when a service could not be kept
   * running; never while the runtime is stopped on purpose.
   */
  public CompletableFuture<String> lost() {
    return lost;
  }

  private void submit(Runnable task) {
    try {
      thread.execute(task);
    } catch (RejectedExecutionException e) {
      // Closed: the runtime is stopping its services itself.
    }
  }

  private boolean isClosed() {
    synchronized (lifecycle) {
      return closed;
    }
  }

  private void exited(LocalService service, ChildProcess child, int status) {
    if (isClosed()) {
      return;
    }
    String logs = String.valueOf(child.consoleLog().getParent());
    Instant now = clock.instant();
    Deque<Instant> recent = restarts.computeIfAbsent(service, _ -> new ArrayDeque<>());
    while (!recent.isEmpty() && recent.peekFirst().isBefore(now.minus(WINDOW))) {
      recent.removeFirst();
    }
    if (recent.size() >= MAX_RESTARTS) {
      String line =
          service.description()
              + " of the local runtime exited with status "
              + status
              + " again after "
              + MAX_RESTARTS
              + " restarts within "
              + WINDOW.toMinutes()
              + " minutes (its logs are in "
              + logs
              + ")";
      LOG.error("{}; giving up", line);
      lost.complete(line);
      return;
    }
    recent.addLast(now);
    Duration delay = Duration.ofMillis(Long.getLong(FIRST_DELAY_PROPERTY, FIRST_DELAY_MILLIS)).multipliedBy(1L << (recent.size() - 1));
    LOG.error(
        "{} (pid {}) exited with status {}; starting it again in {} s on the same data (restart {} of"
            + " at most {} within {} minutes; its logs are in {})",
        service.description(),
        child.pid(),
        status,
        delay.toSeconds(),
        recent.size(),
        MAX_RESTARTS,
        WINDOW.toMinutes(),
        logs);
    try {
      var _ = thread.schedule(() -> restart(service, child), delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // Closed meanwhile: nothing to restart.
    }
  }

  private void restart(LocalService service, ChildProcess exited) {
    Instant begin = clock.instant();
    try {
      synchronized (lifecycle) {
        if (closed) {
          return;
        }
        service.reapExited();
        service.start();
      }
      service.awaitReady(begin.plus(startTimeout));
    } catch (IOException | LocalRuntimeException e) {
      if (isClosed()) {
        return;
      }
      LOG.error("{} could not be started again: {}", service.description(), e.getMessage());
      ChildProcess failed = service.process().orElse(exited);
      if (failed == exited) {
        exited(service, exited, exited.exitStatus().orElse(-1));
      } else {
        // A child that started but does not answer is stopped; its exit is handled as any other.
        watch(service);
        failed.stop(STOP_GRACE);
      }
      return;
    } catch (InterruptedException e) {
      // close() interrupts a restart that waits: the runtime stops the service itself.
      Thread.currentThread().interrupt();
      return;
    }
    if (isClosed()) {
      return;
    }
    LOG.info(
        "{} serves again (pid {}), {} ms after its restart began",
        service.description(),
        service.process().map(ChildProcess::pid).orElse(-1L),
        Duration.between(begin, clock.instant()).toMillis());
    watch(service);
  }

  /**
   * Stops watching: no exit is restarted or reported from now on. Waits for a restart under way to
   * have started its child (so that the runtime's stop finds and stops it), interrupting its wait.
   */
  @Override
  public void close() {
    synchronized (lifecycle) {
      closed = true;
    }
    thread.shutdownNow();
    boolean interrupted = false;
    while (true) {
      try {
        if (thread.awaitTermination(1, TimeUnit.MINUTES)) {
          break;
        }
        LOG.warn("the runtime's supervisor has not stopped after a minute; still waiting");
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
