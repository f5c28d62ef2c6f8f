package io.hashstream.bench.e2e;

import io.hashstream.schemas.avro.HashResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.jspecify.annotations.Nullable;

/**
 * A file written and closed → its {@code HashResult} committed, one file at a time: writes a 4 KiB
 * file into the watched directory, closes it, and waits until a {@code read_committed} reader of
 * the hash topic sees its result; then a pause of 20-60 ms and the next. On the same writes,
 * {@code inotifywait -m -e close_write} (if given) reports the close: the floor any watcher can
 * reach. Both are timed from the return of {@code close} with {@link System#nanoTime} in this JVM.
 * The result's {@code hashedAt} (the consumer's clock: the same machine) splits the pipeline's
 * time in two: close → hashed (watching, settling, publishing, the consumer's poll and hash) and
 * hashed → committed (the transaction, and the reader's fetch).
 * The first WARMUP writes are left out of the figures (class loading and compilation in every
 * process of the pipeline).
 *
 * <p>{@code latency BOOTSTRAP REGISTRY HASHES_TOPIC ROOT DIR SAMPLES WARMUP INOTIFYWAIT|-}
 */
final class LatencyBench {
  private static final Duration RESULT_TIMEOUT = Duration.ofSeconds(30);

  private LatencyBench() {}

  static void run(String[] args) throws Exception {
    String bootstrap = E2e.arg(args, 0, "BOOTSTRAP");
    String registry = E2e.arg(args, 1, "REGISTRY");
    String hashes = E2e.arg(args, 2, "HASHES_TOPIC");
    String prefix = E2e.arg(args, 3, "ROOT") + "/";
    Path directory = Path.of(E2e.arg(args, 4, "DIR"));
    int samples = E2e.intArg(args, 5, "SAMPLES");
    int warmup = E2e.intArg(args, 6, "WARMUP");
    String inotifywait = E2e.arg(args, 7, "INOTIFYWAIT");

    Map<String, CompletableFuture<Long>> committed = new ConcurrentHashMap<>();
    Map<String, Long> hashedAtMicros = new ConcurrentHashMap<>();
    Map<String, CompletableFuture<Long>> notified = new ConcurrentHashMap<>();
    Reader reader = new Reader(bootstrap, registry, hashes, prefix, committed, hashedAtMicros);
    Thread readerThread = Thread.ofPlatform().name("latency-hashes").start(reader::run);
    reader.ready.await();
    Throwable failure = reader.failure;
    if (failure != null) {
      throw new IllegalStateException("the reader of " + hashes + " failed: " + failure, failure);
    }
    Process inotify = inotifywait.equals("-") ? null : startInotify(inotifywait, directory, notified);

    List<Double> pipeline = new ArrayList<>();
    List<Double> toHashed = new ArrayList<>();
    List<Double> hashedToCommitted = new ArrayList<>();
    List<Double> close = new ArrayList<>();
    int lost = 0;
    SplittableRandom random = new SplittableRandom(4);
    byte[] content = new byte[4096];
    try {
      for (int i = 0; i < warmup + samples; i++) {
        String name = String.format(Locale.ROOT, "w%05d.bin", i);
        random.nextBytes(content);
        try (FileChannel channel =
            FileChannel.open(directory.resolve(name), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          channel.write(ByteBuffer.wrap(content));
        }
        long closed = System.nanoTime();
        Instant closedAt = Instant.now();
        try {
          long seen = future(committed, name).get(RESULT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
          if (i >= warmup) {
            pipeline.add((seen - closed) / 1e6);
            Long hashed = hashedAtMicros.get(name);
            if (hashed != null) {
              double closeToHashed = (hashed - ChronoUnit.MICROS.between(Instant.EPOCH, closedAt)) / 1e3;
              toHashed.add(closeToHashed);
              hashedToCommitted.add((seen - closed) / 1e6 - closeToHashed);
            }
          }
        } catch (TimeoutException e) {
          lost++;
          E2e.log("latency: no result for " + name + " within " + RESULT_TIMEOUT.toSeconds() + " s");
        }
        if (inotify != null) {
          try {
            long seen = future(notified, name).get(5, TimeUnit.SECONDS);
            if (i >= warmup) {
              close.add((seen - closed) / 1e6);
            }
          } catch (TimeoutException e) {
            E2e.log("latency: inotifywait did not report " + name);
          }
        }
        if (i > 0 && i % 50 == 0) {
          E2e.log("latency: " + i + " of " + (warmup + samples) + " writes");
        }
        Thread.sleep(random.nextInt(20, 61));
      }
    } finally {
      if (inotify != null) {
        inotify.destroy();
      }
      reader.stop();
      readerThread.join(10_000);
    }
    E2e.emit("samples", pipeline.size());
    E2e.emit("lost", lost);
    emitPercentiles("pipeline", pipeline);
    emitPercentiles("hashed", toHashed);
    emitPercentiles("committed", hashedToCommitted);
    if (inotify != null) {
      emitPercentiles("inotify", close);
    }
  }

  private static CompletableFuture<Long> future(Map<String, CompletableFuture<Long>> map, String name) {
    return map.computeIfAbsent(name, n -> new CompletableFuture<>());
  }

  private static void emitPercentiles(String name, List<Double> values) {
    if (values.isEmpty()) {
      return;
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    for (int percent : new int[] {50, 90, 99}) {
      int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
      E2e.emit(name + "_p" + percent + "_ms", String.format(Locale.ROOT, "%.3f", sorted.get(Math.max(0, rank - 1))));
    }
    E2e.emit(name + "_max_ms", String.format(Locale.ROOT, "%.3f", sorted.getLast()));
    E2e.emit(name + "_min_ms", String.format(Locale.ROOT, "%.3f", sorted.getFirst()));
  }

  /** Starts {@code inotifywait -m} on the directory and returns once its watch is established. */
  private static Process startInotify(
      String command, Path directory, Map<String, CompletableFuture<Long>> notified)
      throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(command, "-m", "-e", "close_write", "--format", "%f", directory.toString()).start();
    BufferedReader errors = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
    for (String line = errors.readLine(); ; line = errors.readLine()) {
      if (line == null) {
        throw new IOException("inotifywait stopped before watching " + directory);
      }
      if (line.contains("Watches established")) {
        break;
      }
    }
    BufferedReader events = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    Thread.ofPlatform()
        .name("latency-inotify")
        .daemon()
        .start(
            () -> {
              try {
                for (String line = events.readLine(); line != null; line = events.readLine()) {
                  long now = System.nanoTime();
                  future(notified, line.strip()).complete(now);
                }
              } catch (IOException e) {
                // inotifywait was stopped.
              }
            });
    return process;
  }

  /** The hash topic's reader: its thread owns the consumer and only completes futures. */
  private static final class Reader {
    private final String bootstrap;
    private final String registry;
    private final String topic;
    private final String prefix;
    private final Map<String, CompletableFuture<Long>> committed;
    private final Map<String, Long> hashedAtMicros;
    private final CountDownLatch ready = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile @Nullable KafkaConsumer<String, HashResult> consumer;
    private volatile @Nullable Throwable failure;

    Reader(
        String bootstrap,
        String registry,
        String topic,
        String prefix,
        Map<String, CompletableFuture<Long>> committed,
        Map<String, Long> hashedAtMicros) {
      this.bootstrap = bootstrap;
      this.registry = registry;
      this.topic = topic;
      this.prefix = prefix;
      this.committed = committed;
      this.hashedAtMicros = hashedAtMicros;
    }

    void run() {
      try (KafkaConsumer<String, HashResult> reader = CommitWatch.reader(bootstrap, registry)) {
        consumer = reader;
        CommitWatch.assignAll(reader, topic, true);
        ready.countDown();
        while (!stopping) {
          for (ConsumerRecord<String, HashResult> record : reader.poll(Duration.ofMillis(100))) {
            long now = System.nanoTime();
            String key = record.key();
            @Nullable HashResult value = record.value(); // null: a tombstone
            if (key != null && key.startsWith(prefix) && value != null) {
              String name = key.substring(prefix.length());
              hashedAtMicros.put(name, ChronoUnit.MICROS.between(Instant.EPOCH, value.getHashedAt()));
              future(committed, name).complete(now);
            }
          }
        }
      } catch (WakeupException e) {
        // Stopped.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        failure = e;
      } finally {
        ready.countDown();
      }
    }

    void stop() {
      stopping = true;
      KafkaConsumer<String, HashResult> current = consumer;
      if (current != null) {
        current.wakeup();
      }
    }
  }
}
