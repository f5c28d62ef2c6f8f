package io.hashstream.producer.internal.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hashstream.producer.WatchedRoot;
import io.hashstream.producer.Watching;
import io.hashstream.producer.internal.Failures;
import io.hashstream.producer.internal.ProducerMetrics;
import io.hashstream.producer.internal.RootGuard;
import io.hashstream.producer.internal.RootSpec;
import io.hashstream.testsupport.FuseMount;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A network share inside a local root, played by a FUSE mount: a change made beneath it (as on
 * another host) raises no inotify event, so in {@code auto} its subtree is polled, not watched.
 */
class NetworkMountTest {
  private static final Duration INTERVAL = Duration.ofMillis(300);
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path root;
  @TempDir Path elsewhere;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ProducerMetrics metrics = new ProducerMetrics(registry);
  private final Failures failures = new Failures();
  private final ChangeSourceContract.RecordingSink sink = new ChangeSourceContract.RecordingSink();
  private @Nullable FuseMount share;
  private @Nullable ChangeSource source;

  @BeforeEach
  void mountTheShare() throws Exception {
    FuseMount.assumeAvailable();
    Files.createDirectories(root.resolve("local"));
    Files.createDirectories(root.resolve("share"));
    Files.createDirectories(elsewhere.resolve("sub"));
    Files.writeString(elsewhere.resolve("sub/before"), "b");
    share = FuseMount.bind(elsewhere, root.resolve("share"));
  }

  @AfterEach
  void unmount() throws Exception {
    try {
      if (source != null) {
        source.close();
      }
    } finally {
      if (share != null) {
        share.close();
      }
    }
    assertThat(failures.failure()).isNull();
  }

  private void start(Watching watching) {
    ChangeSource started =
        ChangeSource.inotify(
            List.of(RootSpec.of(WatchedRoot.of("r", root))),
            sink,
            ChangeSourceContract.slow(),
            watching,
            RootGuard.inMemory(metrics),
            metrics,
            failures);
    source = started;
    started.start();
    await().atMost(WAIT).until(started::initialScanDone);
  }

  @Test
  void aChangeMadeBeneathTheShareIsListedWithinAnIntervalAndTheShareIsNotWatched() throws Exception {
    start(new Watching(Watching.Mode.AUTO, INTERVAL));
    assertThat(sink.listed()).contains("share/sub/before");
    Files.writeString(elsewhere.resolve("sub/from-another-host"), "a");
    Files.createDirectories(elsewhere.resolve("new/deeper"));
    Files.writeString(elsewhere.resolve("new/deeper/file"), "f");
    await().atMost(WAIT).until(() -> sink.listed().containsAll(List.of("share/sub/from-another-host", "share/new/deeper/file")));
    // The local part is still watched: its changes are events.
    Files.writeString(root.resolve("local/here"), "h");
    await().atMost(WAIT).until(() -> sink.changed().contains("local/here"));
    assertThat(gauge("watched.directories")).isEqualTo(2);
    assertThat(gauge("polled.directories")).isEqualTo(4);
  }

  @Test
  void aRootThatSaysInotifyWatchesTheShareToo() {
    start(new Watching(Watching.Mode.POLL, Map.of("r", Watching.Mode.INOTIFY), INTERVAL));
    assertThat(gauge("watched.directories")).isEqualTo(4);
    assertThat(gauge("polled.directories")).isZero();
  }

  @Test
  void aRootThatSaysPollWatchesNothing() throws Exception {
    start(new Watching(Watching.Mode.AUTO, Map.of("r", Watching.Mode.POLL), INTERVAL));
    Files.writeString(root.resolve("local/here"), "h");
    await().atMost(WAIT).until(() -> sink.listed().contains("local/here"));
    assertThat(gauge("watched.directories")).isZero();
    assertThat(sink.changed()).isEmpty();
  }

  private double gauge(String name) {
    return registry.get("hashstream.producer." + name).gauge().value();
  }
}
