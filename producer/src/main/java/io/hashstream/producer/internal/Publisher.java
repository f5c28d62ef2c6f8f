package io.hashstream.producer.internal;

import io.hashstream.schemas.security.Refusals;
import io.hashstream.schemas.avro.FileChangeEvent;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends events. Its thread, {@code hashstream-publisher}, owns the Kafka producer and each root's
 * sequence counter; the tracker hands it events through {@link #send} (its mailbox), and the
 * producer's callbacks report each event's fate back to the tracker. The window of events in flight
 * is the tracker's, so this queue stays bounded.
 */
public final class Publisher implements Outbox {
  private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

  private final Producer<String, FileChangeEvent> producer;
  private final String topic;
  private final String producerId;
  private final long epoch;
  private final Tracker tracker;
  private final Failures failures;
  private final LinkedBlockingQueue<Outgoing> queue = new LinkedBlockingQueue<>();
  private volatile boolean stopping;
  private @Nullable Thread thread;

  // Owned by the publisher thread.
  private final Map<String, Long> sequences = new HashMap<>();
  private final EventIds eventIds = new EventIds();
  private final String principal;

  /**
   * @param producer the client, handed over: from {@link #start} on only this class's thread uses
   *     it, and it closes it
   * @param epoch the run epoch of every root (see the README)
   */
  public Publisher(
      Producer<String, FileChangeEvent> producer,
      String topic,
      String producerId,
      long epoch,
      Tracker tracker,
      Failures failures,
      String principal) {
    this.principal = principal;
    this.producer = producer;
    this.topic = topic;
    this.producerId = producerId;
    this.epoch = epoch;
    this.tracker = tracker;
    this.failures = failures;
  }

  public synchronized void start() {
    if (thread != null) {
      throw new IllegalStateException("already started");
    }
    thread = Thread.ofPlatform().name("hashstream-publisher").daemon().start(this::run);
  }

  @Override
  public void send(Outgoing outgoing) {
    queue.add(outgoing);
  }

  /**
   * Stops sending, waits up to 10 s for the events already sent to be acknowledged, and closes the
   * client. Events not sent yet are dropped: they were never reported as published, and the next
   * start's diff finds their changes.
   */
  public void close() {
    stopping = true;
    Thread running;
    synchronized (this) {
      running = thread;
    }
    if (running == null) {
      producer.close(Duration.ZERO);
      return;
    }
    try {
      running.join(CLOSE_TIMEOUT.plusSeconds(5).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    try {
      while (!stopping) {
        Outgoing outgoing = queue.poll(100, TimeUnit.MILLISECONDS);
        if (outgoing != null) {
          publish(outgoing);
        }
      }
    } catch (InterruptedException e) {
      if (!stopping) {
        failures.fail("publisher", e);
      }
    } catch (RuntimeException | Error e) {
      failures.fail("publisher", e);
    } finally {
      try {
        producer.close(CLOSE_TIMEOUT);
      } catch (RuntimeException e) {
        LOG.warn("closing the Kafka producer failed: {}", e.toString());
      }
    }
  }

  private void publish(Outgoing outgoing) {
    String root = outgoing.ref().root();
    long sequence = sequences.getOrDefault(root, 0L);
    FileChangeEvent event = Events.event(outgoing, eventIds.next(), producerId, epoch, sequence);
    long id = outgoing.id();
    try {
      // The outcome reaches the tracker through the callback, not the future.
      Future<RecordMetadata> _ =
          producer.send(
          new ProducerRecord<>(topic, outgoing.ref().key(), event),
          (metadata, failure) -> {
            if (failure == null) {
              tracker.acknowledged(id, metadata.partition(), metadata.offset());
            } else {
              tracker.failed(id, failure, describe(failure));
            }
          });
      sequences.put(root, sequence + 1);
    } catch (KafkaException e) {
      // Not sent at all (the buffer stayed full for max.block.ms, or serialization failed): the
      // sequence number is not used up.
      tracker.failed(id, e, describe(e));
    }
  }

  /** A refusal says whom to grant what; any other failure is itself. */
  private String describe(Exception failure) {
    String refused = Refusals.line(failure, principal, "Write", null);
    return refused != null ? refused : failure.toString();
  }
}
