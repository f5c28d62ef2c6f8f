package io.hashstream.cli;

import io.hashstream.consumer.HashAlgorithm;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --algorithms}, for the commands that start consumers. */
final class AlgorithmOptions {
  @Option(
      names = "--algorithms",
      paramLabel = "NAME,...",
      defaultValue = "${env:HASHSTREAM_ALGORITHMS:-SHA-256}",
      description =
          "Digest algorithms to hash every file with, all from one read; SHA-256 is always the"
              + " first (results' algorithm and digest), the others go to their digests field."
              + " Known: SHA-256, SHA-224, SHA-384, SHA-512, SHA-512/224, SHA-512/256, SHA3-224,"
              + " SHA3-256, SHA3-384, SHA3-512, SHA-1, MD5, BLAKE3, XXH3 (env"
              + " HASHSTREAM_ALGORITHMS; default: ${DEFAULT-VALUE}).")
  private String algorithms = HashAlgorithm.FIRST.standardName();

  /**
   * The algorithms named, SHA-256 first.
   *
   * @throws UserErrors.UsageException for an unknown name, one named twice, or SHA-256 after another
   */
  List<HashAlgorithm> algorithms() {
    try {
      return HashAlgorithm.parseList(algorithms);
    } catch (IllegalArgumentException e) {
      throw new UserErrors.UsageException(String.valueOf(e.getMessage()));
    }
  }
}
