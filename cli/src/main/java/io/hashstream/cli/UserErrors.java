package io.hashstream.cli;

import io.hashstream.consumer.ConsumerStoppedException;
import io.hashstream.consumer.verify.VerifyException;
import io.hashstream.producer.ProducerException;
import io.hashstream.runtime.LocalRuntimeException;
import java.io.PrintWriter;
import org.slf4j.LoggerFactory;
import io.hashstream.schemas.security.Refusals;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns what a user did wrong, or what went wrong for them, into one line on stderr and an exit
 * code: 2 for a command line that cannot be right, 1 for a failure while running. A stack trace
 * only with {@code --verbose}.
 */
final class UserErrors {
  static final int USAGE = 2;
  static final int FAILURE = 1;

  private UserErrors() {}

  static int onParameterError(ParameterException e, String[] args) {
    CommandLine cli = e.getCommandLine();
    PrintWriter err = cli.getErr();
    err.println(
        "hashstream: "
            + e.getMessage()
            + " (see '"
            + cli.getCommandSpec().qualifiedName()
            + " --help')");
    err.flush();
    return USAGE;
  }

  static int onExecutionError(Exception e, CommandLine cli, ParseResult parsed) {
    PrintWriter err = cli.getErr();
    boolean verbose = parsed.hasMatchedOption("--verbose") || hasVerbose(parsed);
    err.println("hashstream: " + message(e, parsed));
    if (verbose) {
      e.printStackTrace(err);
    } else {
      LoggerFactory.getLogger(UserErrors.class).debug("failure", e);
    }
    err.flush();
    return e instanceof UsageException ? USAGE : FAILURE;
  }

  private static boolean hasVerbose(ParseResult parsed) {
    for (ParseResult sub = parsed; sub != null; sub = sub.subcommand()) {
      if (sub.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }

  private static String message(Exception e, ParseResult parsed) {
    String text = String.valueOf(e.getMessage());
    return switch (e) {
      case LocalRuntimeException runtime -> text;
      case ConsumerStoppedException stopped -> text;
      case ProducerException producer -> text;
      case VerifyException verify -> text;
      case UsageException usage -> text;
      case FailedException failed -> text;
      case InterruptedException interrupted -> "interrupted";
      default -> {
        String refusal = refusal(e, parsed);
        yield refusal != null
            ? refusal
            : e.getClass().getSimpleName() + ": " + text + " (run with --verbose for details)";
      }
    };
  }

  /** A secured cluster's refusal, with the principal and operation of the command that met it. */
  private static @Nullable String refusal(Exception e, ParseResult parsed) {
    String principal = "this client's principal";
    String operation = "use";
    for (ParseResult sub = parsed; sub != null; sub = sub.subcommand()) {
      if (sub.commandSpec().userObject() instanceof UsesCluster command) {
        try {
          principal = Refusals.principalOf(command.cluster().clientProperties());
        } catch (UsageException unreadable) {
          // The file was read before the failure; if it is gone now, the principal goes unnamed.
        }
        operation = command.operation();
      }
    }
    return Refusals.line(e, principal, operation, null);
  }

  /** A failure while running that one line explains (exit status 1). */
  static final class FailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FailedException(String message, Throwable cause) {
      super(message, cause);
    }

    FailedException(String message) {
      super(message);
    }
  }

  /** A command line that parses but cannot be right (two options that contradict each other). */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }
}
