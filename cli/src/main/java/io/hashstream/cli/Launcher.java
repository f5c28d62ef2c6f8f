package io.hashstream.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Runs the command line without exiting the JVM, so tests can call it; {@link Main} exits.
 *
 * <p>Logging is configured after parsing and before anything logs: the log file lives in the data
 * directory the user chose, and {@code --verbose} lowers the console's threshold.
 */
final class Launcher {
  static final String LOG_DIR_PROPERTY = "hashstream.log.dir";
  private static volatile boolean loggingConfigured;

  private Launcher() {}

  static int run(String[] args, PrintStream out, PrintStream err) {
    return commandLine(out, err).execute(args);
  }

  static CommandLine commandLine(PrintStream out, PrintStream err) {
    HashstreamCommand top = new HashstreamCommand();
    CommandLine cli = new CommandLine(top);
    cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    cli.setParameterExceptionHandler(UserErrors::onParameterError);
    cli.setExecutionExceptionHandler(UserErrors::onExecutionError);
    cli.setExecutionStrategy(
        parsed -> {
          configureLogging(parsed, top);
          return new CommandLine.RunLast().execute(parsed);
        });
    return cli;
  }

  private static void configureLogging(ParseResult parsed, HashstreamCommand top) {
    Path dataDirectory = top.dataDirectory();
    for (ParseResult sub = parsed; sub != null; sub = sub.subcommand()) {
      if (sub.commandSpec().userObject() instanceof UsesDataDirectory command) {
        dataDirectory = command.dataDirectory();
      }
    }
    if (System.getProperty(LOG_DIR_PROPERTY) == null) {
      System.setProperty(LOG_DIR_PROPERTY, dataDirectory.resolve("logs").toString());
    }
    if (top.verbose()) {
      System.setProperty("hashstream.console.level", "DEBUG");
      System.setProperty("hashstream.kafka.console.level", "DEBUG");
      System.setProperty("hashstream.log.level", "DEBUG");
    }
    loggingConfigured = true;
  }

  /** Whether a command ran, and so may have logged; a bare --help or --version never does. */
  static boolean loggingConfigured() {
    return loggingConfigured;
  }
}
