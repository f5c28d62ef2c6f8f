package io.hashstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hashstream.consumer.HashAlgorithm;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --algorithms} of {@code hashstream consumer} and {@code up}: refusals before any connection. */
class AlgorithmOptionsTest {
  @TempDir static Path logs;
  @TempDir Path work;

  @BeforeAll
  static void logsInATemporaryDirectory() {
    System.setProperty(Launcher.LOG_DIR_PROPERTY, logs.toString());
  }

  @Test
  void anUnknownAlgorithmIsRefusedWithOneLineNamingTheKnownOnes() {
    InProcessRun result =
        InProcessRun.of(
            "consumer", "--root", "demo=" + work, "--instance-id", "a", "--algorithms", "SHA-256,BLAKE2b");
    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err().strip())
        .isEqualTo(
            "hashstream: unknown digest algorithm 'BLAKE2b'; known: " + HashAlgorithm.knownNames());
  }

  @Test
  void sha256NamedAfterAnotherIsRefusedWithOneLine() {
    InProcessRun result =
        InProcessRun.of(
            "consumer", "--root", "demo=" + work, "--instance-id", "a", "--algorithms", "XXH3,SHA-256");
    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err().strip())
        .isEqualTo(
            "hashstream: SHA-256 is always the first digest algorithm (results' algorithm and digest"
                + " are its), not XXH3");
  }

  @Test
  void upRefusesAnUnknownAlgorithmBeforeStartingAnything() {
    InProcessRun result =
        InProcessRun.of("up", "--root", "demo=" + work, "--algorithms", "BLAKE3,SHA-256");
    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err().strip())
        .isEqualTo(
            "hashstream: SHA-256 is always the first digest algorithm (results' algorithm and digest"
                + " are its), not BLAKE3");
  }

  @Test
  void theHelpNamesEveryAlgorithm() {
    InProcessRun result = InProcessRun.of("consumer", "--help");
    assertThat(result.code()).isZero();
    String help = result.out().replaceAll("\\s+", " ");
    assertThat(help).contains("--algorithms");
    for (HashAlgorithm algorithm : HashAlgorithm.values()) {
      assertThat(help).contains(algorithm.standardName());
    }
  }
}
