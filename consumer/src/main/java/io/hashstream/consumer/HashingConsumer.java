package io.hashstream.consumer;

import io.hashstream.consumer.internal.ConsumerMetrics;
import io.hashstream.consumer.internal.HashingLoop;
import io.hashstream.schemas.TrustedAvroClasses;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * One instance of the hashing consumer group. {@link #run} blocks on the calling thread, which
 * becomes the poll thread, until {@link #stop} is called from another thread or a fatal error ends
 * it; then {@link #close}.
 */
public final class HashingConsumer implements AutoCloseable {
  private final HashingLoop loop;

  private HashingConsumer(HashingLoop loop) {
    this.loop = loop;
  }

  /** Creates the instance's Kafka clients; nothing is read until {@link #run}. */
  public static HashingConsumer create(ConsumerSettings settings, MeterRegistry registry) {
    TrustedAvroClasses.install();
    return new HashingConsumer(new HashingLoop(settings, new ConsumerMetrics(registry, settings.instanceId())));
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
    loop.close();
  }
}
