package io.hashstream.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hashstream.testsupport.FreePorts;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starts that cannot work fail at once, with one line that says what to do. */
class StartFailuresTest {
  @TempDir Path tree;

  private ProducerSettings settings(String bootstrap, List<WatchedRoot> roots) {
    return ProducerSettings.of(
        "p", roots, KafkaSettings.of(bootstrap, "http://127.0.0.1:1/apis/ccompat/v7").withStartTimeout(Duration.ofSeconds(3)));
  }

  @Test
  void anUnreachableBrokerIsNamedWithinTheStartTimeout() {
    String address = "127.0.0.1:" + FreePorts.allocate(1)[0];
    long start = System.nanoTime();
    assertThatThrownBy(() -> FileProducer.start(settings(address, List.of(WatchedRoot.of("r", tree))), new SimpleMeterRegistry()))
        .isInstanceOf(ProducerException.class)
        .hasMessage(
            "cannot reach Kafka at " + address + " within 3 s: is the broker running? ('hashstream local'"
                + " starts one; --bootstrap-servers chooses another)")
        .satisfies(e -> assertThat(((ProducerException) e).isConfiguration()).isFalse());
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void aMissingDirectoryOrAFileAsRootIsAConfigurationError() throws Exception {
    Path file = Files.writeString(tree.resolve("file"), "x");
    assertThatThrownBy(() -> FileProducer.start(settings("127.0.0.1:1", List.of(WatchedRoot.of("r", tree.resolve("missing")))), new SimpleMeterRegistry()))
        .isInstanceOf(ProducerException.class)
        .hasMessage("root 'r': directory " + tree.resolve("missing") + " does not exist")
        .satisfies(e -> assertThat(((ProducerException) e).isConfiguration()).isTrue());
    assertThatThrownBy(() -> FileProducer.start(settings("127.0.0.1:1", List.of(WatchedRoot.of("r", file))), new SimpleMeterRegistry()))
        .hasMessage("root 'r': " + file + " is not a directory");
  }

  @Test
  void duplicateRootsAreRefusedBySettings() {
    assertThatThrownBy(() -> settings("h:1", List.of(WatchedRoot.of("r", tree), WatchedRoot.of("r", tree.resolve("x")))))
        .hasMessage("root name 'r' is given twice");
    assertThatThrownBy(() -> settings("h:1", List.of(WatchedRoot.of("a", tree), WatchedRoot.of("b", tree))))
        .hasMessage("roots 'a' and 'b' name the same directory " + tree);
    assertThatThrownBy(() -> settings("h:1", List.of())).hasMessage("no root to watch: give at least one NAME=DIR");
  }
}
