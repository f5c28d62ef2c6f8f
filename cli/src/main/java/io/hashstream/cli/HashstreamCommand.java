package io.hashstream.cli;

import io.hashstream.runtime.RuntimeSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Properties;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code hashstream}: the one launcher, with a subcommand per job. */
@Command(
    name = "hashstream",
    mixinStandardHelpOptions = true,
    versionProvider = HashstreamCommand.Version.class,
    description = "Turns file-system changes into a stream of content hashes on Apache Kafka.")
final class HashstreamCommand implements Runnable {

  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "Log at DEBUG on the console and show stack traces of failures.")
  private boolean verbose;

  /** Injected by picocli before {@link #run}. */
  @Spec private @Nullable CommandSpec spec;

  boolean verbose() {
    return verbose;
  }

  /** Where logs go when the subcommand has no data directory of its own. */
  Path dataDirectory() {
    return RuntimeSettings.defaultDataDirectory();
  }

  @Override
  public void run() {
    if (spec != null) {
      spec.commandLine().usage(spec.commandLine().getOut());
    }
  }

  /** The version the build wrote into the jar. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties properties = new Properties();
      try (InputStream in = Version.class.getResourceAsStream("/hashstream-version.properties")) {
        if (in != null) {
          properties.load(in);
        }
      }
      return new String[] {"hashstream " + properties.getProperty("version", "(unknown version)")};
    }
  }
}
