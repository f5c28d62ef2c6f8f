package io.hashstream.consumer.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files whose answer was uncertain ({@code UNSTABLE}: kept changing, an older view, not visible),
 * looked at again while the consumer runs instead of at the producer's next start: after 2 s, then
 * twice as long each time up to 5 minutes, {@value #LOOKS} looks in all (about 18 minutes). A look
 * that finds a settled answer writes it, in the next transaction, with the event's source and the
 * header {@code hashstream.recheck}; after the last look the {@code UNSTABLE} result stands.
 *
 * <p>A newer event of the key ends its looks (its own answer is newer), and so does losing its
 * partition (its new owner reads the key's events again). Poll thread only; the looks themselves
 * run on the hashing threads.
 */
final class Rechecks {
  static final int LOOKS = 10;
  private static final Logger LOG = LoggerFactory.getLogger(Rechecks.class);
  private static final Duration FIRST_WAIT = Duration.ofSeconds(2);
  private static final Duration LONGEST_WAIT = Duration.ofMinutes(5);

  /** A settled answer a look found, for the next transaction. */
  record Found(HashTask look) {
    TopicPartition partition() {
      return look.owner().partition();
    }
  }

  /** The next look at a key: due at {@code dueNanos}, or {@code running}. */
  private static final class Next {
    private final HashTask origin;
    private final int look;
    private final long dueNanos;
    private @Nullable HashTask running;

    Next(HashTask origin, int look, long dueNanos) {
      this.origin = origin;
      this.look = look;
      this.dueNanos = dueNanos;
    }
  }

  private final ConsumerMetrics metrics;
  private final Map<String, Next> byKey = new HashMap<>();
  private final Map<String, Found> found = new LinkedHashMap<>();

  Rechecks(ConsumerMetrics metrics) {
    this.metrics = metrics;
  }

  /** The wait before look {@code look} (from 1). */
  static Duration waitBefore(int look) {
    Duration wait = FIRST_WAIT.multipliedBy(1L << Math.min(look - 1, 20));
    return wait.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : wait;
  }

  /** Whether {@code outcome} is uncertain: worth another look. */
  static boolean uncertain(HashOutcome outcome) {
    return outcome instanceof HashOutcome.Unstable || outcome instanceof HashOutcome.NotVisible;
  }

  /** {@code answered}'s uncertain result goes out now: its first look is due in 2 s. */
  void schedule(HashTask answered, long now) {
    byKey.put(answered.key().key(), new Next(answered, 1, now + waitBefore(1).toNanos()));
  }

  /**
   * A newer event of {@code key} was taken, or answered with a settled result: its answer is newer
   * than any look.
   */
  void drop(String key) {
    Next next = byKey.remove(key);
    if (next != null && next.running != null) {
      next.running.cancel();
    }
    found.remove(key);
  }

  /** The partitions are no longer this instance's. */
  void forget(Collection<TopicPartition> partitions) {
    byKey.values().removeIf(next -> {
      boolean gone = partitions.contains(next.origin.owner().partition());
      if (gone && next.running != null) {
        next.running.cancel();
      }
      return gone;
    });
    found.values().removeIf(look -> partitions.contains(look.partition()));
  }

  /** Hands every look that is due to {@code submit}. */
  void submitDue(long now, Consumer<HashTask> submit) {
    for (Next next : byKey.values()) {
      if (next.running == null && now - next.dueNanos >= 0) {
        HashTask origin = next.origin;
        HashTask look = origin.lookAgain(next.look);
        next.running = look;
        submit.accept(look);
      }
    }
  }

  /** A look finished: its answer is found, or the key is looked at again later, or it stands. */
  void completed(HashTask look, long now) {
    String key = look.key().key();
    Next next = byKey.get(key);
    if (next == null || next.running != look || look.state() != HashTask.State.DONE) {
      return;
    }
    HashOutcome outcome = look.outcome();
    if (outcome instanceof HashOutcome.Refused) {
      byKey.remove(key);
      return;
    }
    if (!uncertain(outcome)) {
      byKey.remove(key);
      found.put(key, new Found(look));
      metrics.recheck("settled");
      return;
    }
    if (next.look >= LOOKS) {
      byKey.remove(key);
      metrics.recheck("stands");
      LOG.info(
          "{} is still uncertain after {} looks over about {} minutes; its UNSTABLE result stands until its next event",
          key,
          LOOKS,
          totalWait().toMinutes());
      return;
    }
    metrics.recheck("uncertain");
    byKey.put(key, new Next(next.origin, next.look + 1, now + waitBefore(next.look + 1).toNanos()));
  }

  private static Duration totalWait() {
    Duration total = Duration.ZERO;
    for (int look = 1; look <= LOOKS; look++) {
      total = total.plus(waitBefore(look));
    }
    return total;
  }

  /** The answers found, oldest first, for the next transaction. */
  List<Found> found() {
    return new ArrayList<>(found.values());
  }

  int foundCount() {
    return found.size();
  }

  /** The found answers were committed. */
  void committed(List<Found> committed) {
    for (Found look : committed) {
      found.remove(look.look().key().key(), look);
    }
  }
}
