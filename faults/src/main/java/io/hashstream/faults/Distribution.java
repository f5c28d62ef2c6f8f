package io.hashstream.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The launcher's class path ({@code cli/target/lib}, what {@code bin/hashstream} runs) and where the
 * runtime's AOT caches are shared.
 */
record Distribution(Path lib, Optional<Path> aotDirectory) {
  Distribution {
    if (!Files.isRegularFile(lib.resolve("hashstream-cli.jar"))) {
      throw new IllegalArgumentException(
          "no hashstream distribution in " + lib + ": build it with ./mvnw install -DskipTests");
    }
  }
}
