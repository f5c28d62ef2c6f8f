package io.hashstream.cli;

import picocli.CommandLine;

/** Entry point: parse, run, exit with the command's code. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    ShutdownSignals.install();
    int code = Launcher.run(args, System.out, System.err);
    ShutdownSignals.exit(code);
  }

  /** Builds the command line as {@code bin/hashstream} sees it, for tests too. */
  static CommandLine commandLine() {
    return Launcher.commandLine(System.out, System.err);
  }
}
