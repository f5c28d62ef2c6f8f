package io.hashstream.consumer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hashstream.schemas.FileKey;
import io.hashstream.schemas.avro.ChangeKind;
import io.hashstream.schemas.avro.FileChangeEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state machine of {@link HashTask} and {@link PartitionWork}, driven by hand: the poll
 * thread's calls and a simulated hashing thread's ({@code start}, {@code finish}) in every order
 * that matters, and in seeded random orders.
 */
class PartitionWorkTest {
  private static final TopicPartition PARTITION = new TopicPartition("events", 0);
  private static final HashOutcome GONE = new HashOutcome.Gone();

  @TempDir Path tree;
  private LiveRoot root;
  private final List<HashTask> submitted = new ArrayList<>();
  private long nextOffset;

  @BeforeEach
  void openRoot() throws Exception {
    root = LiveRoot.open("t", tree);
  }

  @AfterEach
  void closeRoot() {
    root.close();
  }

  private HashTask add(PartitionWork work, String path) {
    long offset = nextOffset++;
    FileChangeEvent event =
        FileChangeEvent.newBuilder()
            .setEventId(UUID.randomUUID())
            .setProducerId("test")
            .setRoot("t")
            .setPath(path)
            .setKind(ChangeKind.MODIFIED)
            .setEpoch(1)
            .setSequence(offset)
            .setDetectedAt(Instant.EPOCH)
            .build();
    ConsumerRecord<byte[], byte[]> record =
        new ConsumerRecord<>(PARTITION.topic(), PARTITION.partition(), offset, new byte[0], new byte[0]);
    HashTask task = new HashTask(record, event, new FileKey("t", path), root, work, HashTask.State.WAITING);
    work.hash(task, submitted::add);
    return task;
  }

  /** A task a hashing thread took at once. */
  private HashTask addRunning(PartitionWork work, String path) {
    HashTask task = add(work, path);
    assertThat(task.start()).isTrue();
    return task;
  }

  /** A hashing thread finished the task, and the poll thread saw it. */
  private void finish(PartitionWork work, HashTask task) {
    assertThat(task.finish(GONE, 1)).isTrue();
    work.completed(task, submitted::add);
  }

  private static List<Output> collect(PartitionWork work) {
    work.collectSettled(record -> new Output.Covered());
    return work.ready();
  }

  @Test
  void aNewerEventCoversATaskThatHasNotStarted() {
    PartitionWork work = new PartitionWork(PARTITION);
    HashTask older = add(work, "a");
    HashTask newer = add(work, "a");
    assertThat(older.state()).isEqualTo(HashTask.State.COVERED);
    assertThat(submitted).containsExactly(older, newer);
    // The queue still hands the older one to a thread, which must not take it.
    assertThat(older.start()).isFalse();
    assertThat(older.settled()).isFalse();
    assertThat(newer.start()).isTrue();
    assertThat(newer.finish(GONE, 1)).isTrue();
    assertThat(older.settled()).isTrue();
    assertThat(collect(work)).hasSize(2);
    assertThat(work.commitOffset()).hasValue(2);
  }

  @Test
  void aNewerEventWaitsForARunningTaskOfItsKeyAndIsSubmittedWhenItCompletes() {
    PartitionWork work = new PartitionWork(PARTITION);
    HashTask running = addRunning(work, "a");
    HashTask waiting = add(work, "a");
    HashTask other = add(work, "b");
    assertThat(waiting.state()).isEqualTo(HashTask.State.WAITING);
    assertThat(submitted).containsExactly(running, other);
    finish(work, running);
    assertThat(submitted).containsExactly(running, other, waiting);
    assertThat(waiting.state()).isEqualTo(HashTask.State.SUBMITTED);
  }

  @Test
  void aThirdEventCoversTheWaitingOneNotTheRunningOne() {
    PartitionWork work = new PartitionWork(PARTITION);
    HashTask running = addRunning(work, "a");
    HashTask second = add(work, "a");
    HashTask third = add(work, "a");
    assertThat(second.state()).isEqualTo(HashTask.State.COVERED);
    assertThat(running.state()).isEqualTo(HashTask.State.RUNNING);
    finish(work, running);
    assertThat(submitted).containsExactly(running, third);
  }

  @Test
  void aCancelledTaskIsNotStartedAndARunningOnesFinishIsDropped() {
    PartitionWork work = new PartitionWork(PARTITION);
    HashTask notStarted = add(work, "a");
    HashTask running = addRunning(work, "b");
    work.abandon();
    assertThat(notStarted.start()).isFalse();
    assertThat(running.cancelled()).isTrue();
    assertThat(running.finish(GONE, 1)).isFalse();
    assertThat(work.pendingCount()).isZero();
    assertThat(work.commitOffset()).isEmpty();
  }

  @Test
  void aCompletionOfATaskTheWorkNoLongerKnowsChangesNothing() {
    PartitionWork abandoned = new PartitionWork(PARTITION);
    HashTask task = add(abandoned, "a");
    task.start();
    abandoned.abandon();
    PartitionWork fresh = new PartitionWork(PARTITION);
    HashTask again = add(fresh, "a");
    submitted.clear();
    fresh.completed(task, submitted::add);
    assertThat(submitted).isEmpty();
    assertThat(again.state()).isEqualTo(HashTask.State.SUBMITTED);
  }

  @Test
  void onlyTheSettledPrefixIsReady() {
    PartitionWork work = new PartitionWork(PARTITION);
    HashTask slow = addRunning(work, "a");
    finish(work, addRunning(work, "b"));
    assertThat(collect(work)).isEmpty();
    finish(work, slow);
    assertThat(collect(work)).hasSize(2);
    work.committed();
    assertThat(work.readyCount()).isZero();
  }

  /**
   * Random events over a few keys, and a random order of the hashing threads' starts and finishes
   * between them: a key is never hashed twice at once, each key's hashes run in offset order, the
   * commit offset only grows, and once every hash finished every record is answered.
   */
  @Test
  void randomInterleavingsKeepEveryInvariant() {
    for (long seed = 1; seed <= 200; seed++) {
      Random random = new Random(seed);
      submitted.clear();
      nextOffset = 0;
      PartitionWork work = new PartitionWork(PARTITION);
      List<HashTask> running = new ArrayList<>();
      Map<String, Long> lastStarted = new HashMap<>();
      long lastCommit = -1;
      int events = 30 + random.nextInt(40);
      int added = 0;
      int answered = 0;
      while (answered < events) {
        int action = random.nextInt(4);
        if (action == 0 && added < events) {
          add(work, "k" + random.nextInt(4));
          added++;
        } else if (action == 1 && !submitted.isEmpty()) {
          HashTask task = submitted.remove(random.nextInt(submitted.size()));
          if (task.start()) {
            Set<String> runningKeys = new HashSet<>();
            running.forEach(r -> runningKeys.add(r.key().key()));
            assertThat(runningKeys).as("seed %d", seed).doesNotContain(task.key().key());
            Long previous = lastStarted.put(task.key().key(), task.offset());
            assertThat(previous == null || previous < task.offset()).as("seed %d", seed).isTrue();
            running.add(task);
          }
        } else if (action == 2 && !running.isEmpty()) {
          HashTask task = running.remove(random.nextInt(running.size()));
          assertThat(task.finish(GONE, 1)).isTrue();
          work.completed(task, submitted::add);
        } else if (action == 3) {
          collect(work);
          if (work.commitOffset().isPresent()) {
            long offset = work.commitOffset().getAsLong();
            assertThat(offset).as("seed %d", seed).isGreaterThan(lastCommit);
            lastCommit = offset;
            answered += work.readyCount();
            work.committed();
          }
        }
        if (added == events && submitted.isEmpty() && running.isEmpty()) {
          collect(work);
          answered += work.readyCount();
          work.committed();
          assertThat(work.pendingCount()).as("seed %d: every record settles", seed).isZero();
        }
      }
      assertThat(answered).as("seed %d", seed).isEqualTo(events);
    }
  }

  /**
   * A running hash that waits for the file system to catch up stops waiting once a newer event of
   * its key comes (that event answers the path anyway), and once it is cancelled; otherwise it
   * waits the whole time.
   */
  @Test
  void aNewerEventOfTheKeyEndsTheRunningTasksWaitForTheFileSystem() throws Exception {
    PartitionWork work = new PartitionWork(PARTITION);
    HashTask running = addRunning(work, "renamed-away");
    assertThat(running.awaitView(Duration.ofMillis(1))).as("a short wait runs out").isTrue();
    AtomicReference<Boolean> waited = new AtomicReference<>();
    Thread hashing = waitingForTheView(running, waited);
    HashTask newer = add(work, "renamed-away");
    assertThat(hashing.join(Duration.ofSeconds(10))).as("woken by the newer event").isTrue();
    assertThat(waited.get()).as("the wait was given up").isFalse();
    assertThat(newer.state()).isEqualTo(HashTask.State.WAITING);

    HashTask other = addRunning(work, "other");
    Thread cancelled = waitingForTheView(other, waited);
    other.cancel();
    assertThat(cancelled.join(Duration.ofSeconds(10))).as("woken by the cancel").isTrue();
    assertThat(waited.get()).isFalse();
  }

  /** A hashing thread of {@code task}, waiting for an hour for the file system to catch up. */
  private static Thread waitingForTheView(HashTask task, AtomicReference<Boolean> waited) {
    Thread hashing = Thread.ofPlatform().start(() -> {
      try {
        waited.set(task.awaitView(Duration.ofHours(1)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> hashing.getState() == Thread.State.TIMED_WAITING);
    return hashing;
  }
}
