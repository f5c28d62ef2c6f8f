package io.hashstream.bench;

import io.hashstream.consumer.HashAlgorithm;
import io.hashstream.consumer.internal.Digest;
import io.hashstream.consumer.internal.FileHasher;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

/**
 * Prints the consumer's digests of one file, {@code ALGORITHM HEX} a line, for bench/kernel to
 * check against the native tools it times: the speeds compared are of the same function.
 *
 * <pre>AlgorithmCheck FILE SHA-256,BLAKE3,XXH3</pre>
 */
public final class AlgorithmCheck {
  private AlgorithmCheck() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: AlgorithmCheck FILE NAME,...");
      System.exit(2);
    }
    List<HashAlgorithm> algorithms = HashAlgorithm.parseList(args[1]);
    List<Digest> digests;
    try (FileChannel channel = FileChannel.open(Path.of(args[0]))) {
      digests = new FileHasher(algorithms).hash(channel);
    }
    for (Digest digest : digests) {
      System.out.println(digest.algorithm().standardName() + " " + HexFormat.of().formatHex(digest.value()));
    }
  }
}
