package io.hashstream.consumer;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/** One consumer instance on a thread of its own, for in-process tests. */
final class ConsumerRunner implements AutoCloseable {
  private final HashingConsumer consumer;
  private final Thread thread;
  private final AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  ConsumerRunner(ConsumerSettings settings) {
    this(settings, 0);
  }

  /** An instance that also verifies its files continuously at {@code verifyBytesPerSecond}. */
  ConsumerRunner(ConsumerSettings settings, long verifyBytesPerSecond) {
    consumer = HashingConsumer.create(settings, registry, verifyBytesPerSecond);
    thread =
        Thread.ofPlatform()
            .name("consumer-" + settings.instanceId())
            .start(
                () -> {
                  try {
                    consumer.run();
                  } catch (Throwable t) {
                    failure.set(t);
                  }
                });
  }

  /** The partitions the group gave this instance, as its metric reports them. */
  int assignedPartitions() {
    var gauge = registry.find("hashstream.consumer.partitions.assigned").gauge();
    return gauge == null ? 0 : (int) gauge.value();
  }

  /** The count of a counter of this instance, 0 before its first increment. */
  double count(String counter) {
    var meter = registry.find(counter).counter();
    return meter == null ? 0 : meter.count();
  }

  /** The count of a counter of this instance with the tag {@code name=value}, 0 before its first increment. */
  double count(String counter, String name, String value) {
    var meter = registry.find(counter).tag(name, value).counter();
    return meter == null ? 0 : meter.count();
  }

  ConsumerHealth health() {
    return consumer.health();
  }

  /** The events this instance hashed, committed or not. */
  double hashed() {
    var meter = registry.find("hashstream.consumer.events").tag("outcome", "hashed").counter();
    return meter == null ? 0 : meter.count();
  }

  @Nullable Throwable failure() {
    return failure.get();
  }

  boolean isRunning() {
    return thread.isAlive();
  }

  /** Waits for the run to end on its own (a fatal error) and returns what ended it. */
  @Nullable Throwable awaitEnd(Duration timeout) throws InterruptedException {
    if (!thread.join(timeout)) {
      throw new AssertionError("the consumer did not stop within " + timeout);
    }
    return failure.get();
  }

  @Override
  public void close() {
    consumer.stop();
    try {
      if (!thread.join(Duration.ofSeconds(60))) {
        throw new AssertionError("the consumer did not stop within a minute");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while stopping the consumer", e);
    }
    consumer.close();
  }
}
