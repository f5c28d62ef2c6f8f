package io.hashstream.runtime.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The child a service runs now, if any: empty before its start, after its stop and after a child
 * that exited on its own was reaped. Its service's start and stop paths (the runtime's and the
 * supervisor's, never at once) are its only writers.
 */
final class ChildSlot {
  private volatile @Nullable RunningChild running;

  void set(RunningChild child) {
    running = child;
  }

  Optional<ChildProcess> process() {
    RunningChild current = running;
    return current == null ? Optional.empty() : Optional.of(current.process());
  }

  ChildProcess require(String service) {
    RunningChild current = running;
    if (current == null) {
      throw new IllegalStateException(service + " was not started");
    }
    return current.process();
  }

  void requestStop() {
    RunningChild current = running;
    if (current != null) {
      current.requestStop();
    }
  }

  boolean serving(int port) {
    RunningChild current = running;
    return current != null && current.serving(port);
  }

  void reapExited() throws IOException {
    RunningChild current = running;
    if (current != null) {
      running = null;
      current.reap();
    }
  }

  void stop(Duration grace, Duration trainingGrace) throws IOException {
    RunningChild current = running;
    if (current != null) {
      running = null;
      current.stop(grace, trainingGrace);
    }
  }
}
