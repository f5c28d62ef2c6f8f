package io.hashstream.consumer;

import io.hashstream.consumer.internal.ConsumerMetrics;
import io.hashstream.consumer.internal.HashingLoop;
import io.hashstream.schemas.TrustedAvroClasses;
import io.hashstream.consumer.verify.ContinuousVerify;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

/**
 * One instance of the hashing consumer group. {@link #run} blocks on the calling thread, which
 * becomes the poll thread, until {@link #stop} is called from another thread or a fatal error ends
 * it; then {@link #close}.
 */
public final class HashingConsumer implements AutoCloseable {
  private final HashingLoop loop;
  private final @Nullable ContinuousVerify verify;

  private HashingConsumer(HashingLoop loop, @Nullable ContinuousVerify verify) {
    this.loop = loop;
    this.verify = verify;
  }

  /** Creates the instance's Kafka clients; nothing is read until {@link #run}. */
  public static HashingConsumer create(ConsumerSettings settings, MeterRegistry registry) {
    return create(settings, registry, 0);
  }

  /**
   * Creates the instance, which also verifies the files of its partitions continuously at {@code
   * verifyBytesPerSecond} ({@link ContinuousVerify}; 0 for not at all).
   */
  public static HashingConsumer create(ConsumerSettings settings, MeterRegistry registry, long verifyBytesPerSecond) {
    TrustedAvroClasses.install();
    HashingLoop loop = new HashingLoop(settings, new ConsumerMetrics(registry, settings.instanceId()));
    ContinuousVerify verify = null;
    if (verifyBytesPerSecond > 0) {
      try {
        verify = ContinuousVerify.start(settings, verifyBytesPerSecond, loop::assignedPartitions, registry);
      } catch (RuntimeException e) {
        loop.close();
        throw e;
      }
    }
    return new HashingConsumer(loop, verify);
  }

  /**
   * Hashes events until stopped.
   *
   * @throws ConsumerStoppedException if the instance cannot go on (unreachable broker at start, a
   *     hash topic that is not compacted, fenced by a newer instance with the same id, ...)
   */
  public void run() throws InterruptedException {
    loop.run();
  }

  /** Makes {@link #run} return after the current round; safe from any thread. */
  public void stop() {
    loop.stop();
  }

  /** Safe from any thread. */
  public ConsumerHealth health() {
    return loop.health();
  }

  @Override
  public void close() {
    try (loop) {
      if (verify != null) {
        verify.close();
      }
    }
  }
}
