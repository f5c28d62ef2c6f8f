package io.hashstream.consumer.verify;

import io.hashstream.consumer.ConsumerSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.InterruptException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verify inside the consumer group, at a low rate ({@code --verify-rate}): each instance walks the
 * entries of its own partitions of the events topic in passes, the same fixed order each pass, so
 * the entry verified longest ago comes next, and judges each as {@code hashstream verify} does:
 * by metadata, then by a fresh read of a file whose metadata matches. The rate covers reading,
 * and every file looked at costs at least {@value #LOOK_COST} bytes of it. Where each partition's
 * pass stands is kept in the topic {@code <hash topic>.verified} ({@link VerifyCursors}), so a
 * restart or a rebalance goes on where the pass was.
 *
 * <p>Drift is logged at ERROR, each verdict counted ({@code hashstream.consumer.verify.paths}); a
 * pass's totals are logged at its end. Nothing is written to the table. A root that shows nothing
 * (an unmounted volume) is skipped until it does.
 *
 * <p>Two threads of its own: one follows the table, one verifies; neither touches the group's
 * clients.
 */
public final class ContinuousVerify implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ContinuousVerify.class);
  static final int LOOK_COST = 4096;
  private static final Duration IDLE = Duration.ofSeconds(1);
  private static final Duration SAVE_EVERY = Duration.ofSeconds(10);
  private static final Duration RETRY = Duration.ofSeconds(5);
  /** A partition's next pass starts no sooner than this after its last began: a small table is not read in a loop. */
  static final Duration MIN_PASS = Duration.ofMinutes(1);

  private final ConsumerSettings settings;
  private final Supplier<Set<Integer>> ownPartitions;
  private final LiveTable table;
  private final ByteBudget budget;
  private final Map<String, VerifyRoot> roots = new HashMap<>();
  private final Map<Verdict, Counter> verdicts = new EnumMap<>(Verdict.class);
  private final Counter bytes;
  private final Counter passesDone;
  private final AtomicLong ownEntries = new AtomicLong();
  private final Thread follower;
  private final Thread verifier;
  private volatile boolean stopping;

  private ContinuousVerify(
      ConsumerSettings settings, long bytesPerSecond, Supplier<Set<Integer>> ownPartitions, MeterRegistry registry) {
    this.settings = settings;
    this.ownPartitions = ownPartitions;
    this.budget = new ByteBudget(bytesPerSecond);
    this.table =
        new LiveTable(
            settings.bootstrapServers(),
            settings.schemaRegistryUrl(),
            settings.clientProperties(),
            settings.hashesTopic(),
            settings.roots().keySet());
    settings.roots().forEach((name, directory) -> roots.put(name, new VerifyRoot(directory)));
    Tags tags = Tags.of("instance", settings.instanceId());
    for (Verdict verdict : Verdict.values()) {
      verdicts.put(
          verdict,
          Counter.builder("hashstream.consumer.verify.paths").tags(tags).tag("verdict", verdict.jsonName()).register(registry));
    }
    bytes = Counter.builder("hashstream.consumer.verify.bytes").baseUnit("bytes").tags(tags).register(registry);
    passesDone = Counter.builder("hashstream.consumer.verify.passes").tags(tags).register(registry);
    Gauge.builder("hashstream.consumer.verify.entries", ownEntries, AtomicLong::get).tags(tags).register(registry);
    String name = "verify-" + settings.instanceId();
    this.follower = Thread.ofPlatform().name(name + "-table").daemon().unstarted(this::followTable);
    this.verifier = Thread.ofPlatform().name(name).daemon().unstarted(this::verifyInPasses);
  }

  /**
   * Starts verifying, at {@code bytesPerSecond}, the entries of the partitions {@code
   * ownPartitions} names at each step (the instance's assignment).
   */
  public static ContinuousVerify start(
      ConsumerSettings settings, long bytesPerSecond, Supplier<Set<Integer>> ownPartitions, MeterRegistry registry) {
    if (bytesPerSecond <= 0) {
      throw new IllegalArgumentException("continuous verify needs a rate above 0, not " + bytesPerSecond);
    }
    ContinuousVerify verify = new ContinuousVerify(settings, bytesPerSecond, ownPartitions, registry);
    verify.follower.start();
    verify.verifier.start();
    LOG.info("verify: the files of this instance's partitions are verified continuously at {} bytes per second", bytesPerSecond);
    return verify;
  }

  /** The follower thread owns the table's client, and closes it on its way out. */
  private void followTable() {
    try {
      while (!stopping) {
        try {
          table.follow(settings.eventsTopic());
          return;
        } catch (InterruptedException | InterruptException e) {
          return;
        } catch (RuntimeException e) {
          if (stopping) {
            return;
          }
          LOG.warn("verify: following the table failed ({}); trying again in {} s", e.toString(), RETRY.toSeconds());
          Thread.sleep(RETRY);
        }
      }
    } catch (InterruptedException e) {
      // Closing while waiting to try again.
    } finally {
      // Cleared, or the client's close would fail on it.
      boolean _ = Thread.interrupted();
      table.close();
    }
  }

  /** Where one partition's pass stands. */
  private static final class Pass {
    private LiveTable.@Nullable Order after;
    private final Map<Verdict, Long> counts = new EnumMap<>(Verdict.class);
    private long startedNanos = System.nanoTime();
    private long nextPassNanos = startedNanos;
    private boolean saved = true;
  }

  private void verifyInPasses() {
    try (VerifyCursors cursors =
            new VerifyCursors(
                settings.bootstrapServers(),
                settings.clientProperties(),
                settings.hashesTopic(),
                settings.groupId(),
                settings.eventsTopic());
        FileCheck check = new FileCheck(budget)) {
      Map<Integer, Pass> passes = new HashMap<>();
      try {
        verifyUntilStopped(passes, cursors, check);
      } catch (InterruptedException e) {
        // Closing: where the passes stand is saved below, for whoever goes on with them.
      } finally {
        // Cleared, or the cursors' producer would refuse to send.
        boolean _ = Thread.interrupted();
        save(passes, cursors);
      }
    } catch (RuntimeException e) {
      LOG.error("verify: continuous verify stopped after {}; the consumer goes on without it", e.toString());
      LOG.debug("verify: the failure", e);
    } finally {
      roots.values().forEach(VerifyRoot::close);
    }
  }

  private void verifyUntilStopped(Map<Integer, Pass> passes, VerifyCursors cursors, FileCheck check)
      throws InterruptedException {
    long lastSave = System.nanoTime();
    while (!stopping) {
      if (!table.caughtUp()) {
        idle();
        continue;
      }
      Set<Integer> own = Set.copyOf(ownPartitions.get());
      leave(passes, own, cursors);
      take(passes, own, cursors);
      ownEntries.set(table.size(own));
      boolean looked = false;
      for (Map.Entry<Integer, Pass> pass : passes.entrySet()) {
        looked |= step(pass.getKey(), pass.getValue(), check);
      }
      if (System.nanoTime() - lastSave >= SAVE_EVERY.toNanos()) {
        save(passes, cursors);
        lastSave = System.nanoTime();
      }
      if (!looked) {
        idle();
      }
    }
  }

  private static void idle() throws InterruptedException {
    Thread.sleep(IDLE);
  }

  /** Partitions no longer this instance's: their cursors are saved for their new owner. */
  private static void leave(Map<Integer, Pass> passes, Set<Integer> own, VerifyCursors cursors) {
    for (var it = passes.entrySet().iterator(); it.hasNext(); ) {
      var pass = it.next();
      if (!own.contains(pass.getKey())) {
        saveOne(pass.getKey(), pass.getValue(), cursors);
        it.remove();
      }
    }
  }

  /** Partitions new to this instance go on from their saved cursor. */
  private static void take(Map<Integer, Pass> passes, Set<Integer> own, VerifyCursors cursors) {
    Set<Integer> fresh = new HashSet<>(own);
    fresh.removeAll(passes.keySet());
    if (fresh.isEmpty()) {
      return;
    }
    Map<Integer, String> saved = cursors.load();
    for (int partition : fresh) {
      Pass pass = new Pass();
      String last = saved.get(partition);
      if (last != null && !last.isEmpty()) {
        pass.after = LiveTable.Order.of(last);
        LOG.info("verify: partition {}: the pass goes on after {}", partition, last);
      }
      passes.put(partition, pass);
    }
  }

  /** Verifies the next entry of {@code partition}; false if its pass had just ended. */
  private boolean step(int partition, Pass pass, FileCheck check) throws InterruptedException {
    long now = System.nanoTime();
    if (pass.after == null && now - pass.nextPassNanos < 0) {
      return false;
    }
    LiveTable.Next next = table.next(partition, pass.after);
    if (next == null) {
      if (pass.after != null) {
        passesDone.increment();
        LOG.info("verify: partition {}: a pass took {} s: {}", partition, (now - pass.startedNanos) / 1_000_000_000L, pass.counts);
        pass.after = null;
        pass.counts.clear();
        pass.saved = false;
      }
      pass.startedNanos = now;
      pass.nextPassNanos = now + MIN_PASS.toNanos();
      return false;
    }
    pass.after = next.order();
    pass.saved = false;
    VerifyRoot root = roots.get(next.root());
    if (root == null || !root.refresh()) {
      return true;
    }
    budget.pace(LOOK_COST);
    long before = budget.bytes();
    FileCheck.Checked checked;
    try {
      checked = check.check(root, root.resolve(next.path()), next.path(), next.entry(), _ -> true);
    } catch (IOException e) {
      checked = new FileCheck.Checked(Verdict.UNCERTAIN, "cannot be examined: " + e.getMessage(), null);
    }
    bytes.increment((double) (budget.bytes() - before));
    if (checked.verdict() == Verdict.GONE_FROM_TREE && root.empty()) {
      // An unmounted volume: its files are not gone, and the pipeline holds them too.
      return true;
    }
    java.util.Objects.requireNonNull(verdicts.get(checked.verdict()), "a counter per verdict").increment();
    pass.counts.merge(checked.verdict(), 1L, Long::sum);
    String key = next.order().key();
    switch (checked.verdict()) {
      case DRIFT ->
          LOG.error(
              "verify: {}: {} (the table has {}, the file hashes to {})", key, checked.detail(), next.entry().digest(), checked.digest());
      case TABLE_BEHIND, GONE_FROM_TREE, UNCERTAIN -> LOG.debug("verify: {}: {}: {}", key, checked.verdict().jsonName(), checked.detail());
      case VERIFIED, NOT_SAMPLED, MISSING_FROM_TABLE -> {}
    }
    return true;
  }

  private static void save(Map<Integer, Pass> passes, VerifyCursors cursors) {
    passes.forEach((partition, pass) -> saveOne(partition, pass, cursors));
  }

  private static void saveOne(int partition, Pass pass, VerifyCursors cursors) {
    if (!pass.saved) {
      LiveTable.Order after = pass.after;
      cursors.save(partition, after == null ? "" : after.key());
      pass.saved = true;
    }
  }

  @Override
  public void close() {
    stopping = true;
    table.wakeup();
    verifier.interrupt();
    follower.interrupt();
    try {
      verifier.join(Duration.ofSeconds(10));
      follower.join(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
