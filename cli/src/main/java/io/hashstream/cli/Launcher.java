package io.hashstream.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
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

  /**
   * The subcommands, in the order help lists them. Building a subcommand's model loads its classes
   * and reads its annotations (0.4 CPU s for all of them), so a run builds only the one it names.
   */
  private static final Map<String, Supplier<Object>> SUBCOMMANDS = subcommands();

  private static Map<String, Supplier<Object>> subcommands() {
    Map<String, Supplier<Object>> all = new LinkedHashMap<>();
    all.put("up", UpCommand::new);
    all.put("local", LocalCommand::new);
    all.put("consumer", ConsumerCommand::new);
    all.put("tail", TailCommand::new);
    all.put("producer", ProducerCommand::new);
    all.put("verify", VerifyCommand::new);
    all.put("acls", AclsCommand::new);
    return Collections.unmodifiableMap(all);
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    return commandLine(out, err, named(args)).execute(args);
  }

  /** The subcommand {@code args} name: the first argument that is not an option (the top has no option with a value). */
  private static @Nullable String named(String[] args) {
    for (String arg : args) {
      if (!arg.startsWith("-")) {
        return SUBCOMMANDS.containsKey(arg) ? arg : null;
      }
    }
    return null;
  }

  /** The command line with every subcommand, as help lists them. */
  static CommandLine commandLine(PrintStream out, PrintStream err) {
    return commandLine(out, err, null);
  }

  private static CommandLine commandLine(PrintStream out, PrintStream err, @Nullable String only) {
    HashstreamCommand top = new HashstreamCommand();
    CommandLine cli = new CommandLine(top);
    SUBCOMMANDS.forEach(
        (name, command) -> {
          if (only == null || only.equals(name)) {
            cli.addSubcommand(name, command.get());
          }
        });
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
