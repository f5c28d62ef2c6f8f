package io.hashstream.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hashstream.schemas.avro.ChangeKind;
import io.hashstream.schemas.avro.FileChangeEvent;
import io.hashstream.testsupport.SharedRuntime;
import io.hashstream.testsupport.TestCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A burst far beyond what the JDK keeps per directory (512 events): nothing may be lost. */
@ExtendWith(SharedRuntime.class)
class BurstIT {
  private static final Logger LOG = LoggerFactory.getLogger(BurstIT.class);
  private static final int FILES = 20_000;

  @TempDir Path tree;

  @Test
  void twentyThousandFilesCreatedAsFastAsPossibleInOneDirectoryAllGetAnEvent(TestCluster cluster)
      throws Exception {
    Path burst = Files.createDirectories(tree.resolve("burst"));
    ProducerSettings settings = Fixtures.settings(cluster, "demo", tree);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (FileProducer producer = FileProducer.start(settings, registry);
        EventLog log = new EventLog(cluster, settings.eventsTopic())) {
      ProducerIT.awaitIdle(producer);

      long start = System.nanoTime();
      for (int i = 0; i < FILES; i++) {
        Files.write(burst.resolve("f" + i), new byte[] {(byte) i});
      }
      long created = System.nanoTime();

      await()
          .atMost(Duration.ofMinutes(2))
          .pollInSameThread()
          .pollInterval(Duration.ofMillis(200))
          .until(() -> {
            log.poll();
            return log.existing().size() == FILES;
          });
      long published = System.nanoTime();
      ProducerIT.awaitIdle(producer);
      log.poll();

      Map<String, Integer> perPath = new HashMap<>();
      for (FileChangeEvent event : log.events()) {
        perPath.merge(event.getPath(), 1, Integer::sum);
        assertThat(event.getKind()).isNotEqualTo(ChangeKind.DELETED);
      }
      int duplicates = log.events().size() - perPath.size();
      double overflows = registry.counter("hashstream.producer.overflows").count();
      double reconciliations =
          registry.counter("hashstream.producer.rescans", "reason", "reconciliation").count();
      String report =
          String.format(
              "burst of %d files: created in %d ms, all published %d ms after the last create;"
                  + " %d events, %d duplicates (%.2f%%), %.0f overflows, %.0f reconciliations",
              FILES,
              TimeUnit.NANOSECONDS.toMillis(created - start),
              TimeUnit.NANOSECONDS.toMillis(published - created),
              log.events().size(),
              duplicates,
              100.0 * duplicates / FILES,
              overflows,
              reconciliations);
      LOG.info("{}", report);
      System.out.println(report);
      assertThat(perPath).hasSize(FILES);
      Map<String, FileChangeEvent> latest = log.latest();
      for (int i = 0; i < FILES; i++) {
        assertThat(latest.get("burst/f" + i)).as("burst/f" + i).isNotNull();
      }
      assertThat(latest.values()).allMatch(e -> Long.valueOf(1).equals(e.getSize()));
    }
  }
}
