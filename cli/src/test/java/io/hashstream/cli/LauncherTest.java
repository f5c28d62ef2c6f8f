package io.hashstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher builds only the subcommand a run names, and all of them for help and errors. */
class LauncherTest {
  @TempDir static Path logs;

  @BeforeAll
  static void logsInATemporaryDirectory() {
    System.setProperty(Launcher.LOG_DIR_PROPERTY, logs.toString());
  }

  @Test
  void helpListsEverySubcommand() {
    InProcessRun help = InProcessRun.of("--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("  up ", "  local ", "  consumer ", "  tail ", "  producer ", "  verify ", "  acls ");
  }

  @Test
  void aNamedSubcommandRunsWithTheTopsOptionsBeforeIt() {
    InProcessRun producerHelp = InProcessRun.of("--verbose", "producer", "--help");
    assertThat(producerHelp.code()).isZero();
    assertThat(producerHelp.out()).startsWith("Usage: hashstream producer");
  }

  @Test
  void anUnknownSubcommandIsRefused() {
    InProcessRun unknown = InProcessRun.of("prodcer");
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).contains("prodcer");
  }
}
