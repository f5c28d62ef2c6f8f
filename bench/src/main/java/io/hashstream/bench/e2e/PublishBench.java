package io.hashstream.bench.e2e;

import io.hashstream.producer.KafkaSettings;
import io.hashstream.producer.ProducerSettings;
import io.hashstream.producer.Timing;
import io.hashstream.producer.WatchedRoot;
import io.hashstream.producer.internal.EventIds;
import io.hashstream.producer.internal.Events;
import io.hashstream.producer.internal.Failures;
import io.hashstream.producer.internal.FileState;
import io.hashstream.producer.internal.FileType;
import io.hashstream.producer.internal.KafkaConfigs;
import io.hashstream.producer.internal.Outgoing;
import io.hashstream.producer.internal.PathRef;
import io.hashstream.producer.internal.ProducerMetrics;
import io.hashstream.producer.internal.Publisher;
import io.hashstream.producer.internal.RootGuard;
import io.hashstream.producer.internal.RootSpec;
import io.hashstream.producer.internal.Tracker;
import io.hashstream.producer.internal.store.IndexJournal;
import io.hashstream.schemas.avro.ChangeKind;
import io.hashstream.schemas.avro.FileChangeEvent;
import io.hashstream.schemas.serde.AvroSerializer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;

/**
 * Events per second of the producer's publisher ({@code producer.internal.Publisher}, its thread
 * and its Kafka client configured by {@code KafkaConfigs.producer}, the registry serde) fed with
 * synthetic changes, as the tracker feeds it: at most {@code maxInFlight} (10,000) events
 * unacknowledged. Timed from the first change handed over to the last acknowledgement, with no
 * warm-up, like Kafka's {@code ProducerPerformance} it is compared with.
 *
 * <p>The tracker is constructed (the publisher reports acknowledgements to it) but not started:
 * what is measured is the publisher and the client, not the scan, the {@code lstat}s nor the
 * tracker's bookkeeping, which the small-files run measures as a whole. A subclass of the Kafka
 * producer counts the acknowledgements on the client's I/O thread, as the tracker's callback would.
 *
 * <p>{@code publish BOOTSTRAP REGISTRY TOPIC EVENTS}
 */
final class PublishBench {
  private PublishBench() {}

  static void run(String[] args) throws Exception {
    String bootstrap = E2e.arg(args, 0, "BOOTSTRAP");
    String registry = E2e.arg(args, 1, "REGISTRY");
    String topic = E2e.arg(args, 2, "TOPIC");
    int count = E2e.intArg(args, 3, "EVENTS");
    Path scratch = Files.createTempDirectory("bench-e2e-publish");
    try {
      WatchedRoot root = WatchedRoot.of("perf", scratch);
      ProducerSettings settings =
          ProducerSettings.of("bench-e2e", List.of(root), KafkaSettings.of(bootstrap, registry))
              .withTopics(topic, topic + ".hashes");
      long epoch = System.currentTimeMillis();
      Changes changes = new Changes();

      AvroSerializer<FileChangeEvent> serializer =
          new AvroSerializer<>(KafkaConfigs.serde(settings.kafka()), false);
      serializer.prepare(topic, FileChangeEvent.getClassSchema());
      long keyBytes = 0;
      long valueBytes = 0;
      int sample = Math.min(count, 10_000);
      EventIds ids = new EventIds();
      for (int i = 0; i < sample; i++) {
        Outgoing change = changes.next(i);
        keyBytes += change.ref().key().getBytes(StandardCharsets.UTF_8).length;
        byte[] value = serializer.serialize(topic, Events.event(change, ids.next(), settings.producerId(), epoch, i));
        valueBytes += value == null ? 0 : value.length;
      }

      Semaphore window = new Semaphore(settings.maxInFlight());
      CountDownLatch done = new CountDownLatch(count);
      AtomicLong failed = new AtomicLong();
      CountingProducer kafka =
          new CountingProducer(KafkaConfigs.producer(settings), serializer, window, done, failed);
      Failures failures = new Failures();
      ProducerMetrics metrics = new ProducerMetrics(new SimpleMeterRegistry());
      Tracker tracker =
          new Tracker(
              List.of(RootSpec.of(root)),
              Map.of(),
              IndexJournal.NONE,
              Timing.DEFAULT,
              settings.maxInFlight(),
              RootGuard.inMemory(metrics),
              settings.deleteThreshold(),
              metrics,
              failures);
      Publisher publisher =
          new Publisher(kafka, topic, settings.producerId(), epoch, tracker, failures, "User:bench");
      publisher.start();
      long started = System.nanoTime();
      for (int i = 0; i < count; i++) {
        window.acquire();
        publisher.send(changes.next(i));
      }
      boolean finished = done.await(300, TimeUnit.SECONDS);
      double seconds = (System.nanoTime() - started) / 1e9;
      publisher.close();
      if (!finished || failures.failure() != null) {
        throw new IllegalStateException(
            "the publisher did not finish: " + done.getCount() + " unacknowledged, failure " + failures.failure());
      }
      E2e.emit("events", count);
      E2e.emit("failed", failed.get());
      E2e.emit("seconds", String.format(Locale.ROOT, "%.3f", seconds));
      E2e.emit("events_per_second", String.format(Locale.ROOT, "%.0f", count / seconds));
      E2e.emit("key_bytes", String.format(Locale.ROOT, "%.1f", (double) keyBytes / sample));
      E2e.emit("value_bytes", String.format(Locale.ROOT, "%.1f", (double) valueBytes / sample));
      E2e.emit("record_bytes", Math.round((double) (keyBytes + valueBytes) / sample));
    } finally {
      Files.deleteIfExists(scratch);
    }
  }

  /**
   * Changes a scan of the small-files tree would find (100 directories, files of 1-8 KiB), made
   * one at a time as they are handed over: a few hundred nanoseconds each, and no live set of
   * millions of changes for the collector to walk (the tracker holds at most the window).
   */
  private static final class Changes {
    private final SplittableRandom random = new SplittableRandom(10);
    private final long now = System.currentTimeMillis();

    Outgoing next(int i) {
      int directory = i % 100;
      String path = "d" + (directory < 10 ? "00" : "0") + directory + "/f" + (1_000_000 + i) + ".bin";
      FileState state =
          new FileState(
              FileType.REGULAR,
              random.nextInt(1024, 8193),
              (now - 60_000) * 1_000_000L + random.nextLong(1_000_000_000L),
              (now - 60_000) * 1_000_000L,
              new FileState.Identity(64769, 2_000_000L + i));
      return new Outgoing(i, new PathRef("perf", path), ChangeKind.FOUND, state, now * 1000);
    }
  }

  /** The real client, counting acknowledgements and releasing the in-flight window. */
  private static final class CountingProducer extends KafkaProducer<String, FileChangeEvent> {
    private final Semaphore window;
    private final CountDownLatch done;
    private final AtomicLong failed;

    CountingProducer(
        Map<String, Object> config,
        Serializer<FileChangeEvent> values,
        Semaphore window,
        CountDownLatch done,
        AtomicLong failed) {
      super(config, new StringSerializer(), values);
      this.window = window;
      this.done = done;
      this.failed = failed;
    }

    @Override
    public Future<RecordMetadata> send(
        ProducerRecord<String, FileChangeEvent> record, @Nullable Callback callback) {
      try {
        return super.send(
            record,
            (metadata, failure) -> {
              if (failure != null) {
                failed.incrementAndGet();
              }
              window.release();
              done.countDown();
              if (callback != null) {
                callback.onCompletion(metadata, failure);
              }
            });
      } catch (RuntimeException e) {
        failed.incrementAndGet();
        window.release();
        done.countDown();
        throw e;
      }
    }
  }
}
