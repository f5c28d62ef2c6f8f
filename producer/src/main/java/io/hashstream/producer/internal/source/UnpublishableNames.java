package io.hashstream.producer.internal.source;

import io.hashstream.producer.internal.ProducerMetrics;
import io.hashstream.producer.internal.RootSpec;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts names that are not valid UTF-8 (they cannot be a key) and warns once per directory, for
 * the first thousand directories. Owned by one thread of a source.
 */
final class UnpublishableNames {
  private static final Logger LOG = LoggerFactory.getLogger(UnpublishableNames.class);
  private static final int MAX_REPORTED_DIRECTORIES = 1000;

  private final ProducerMetrics metrics;
  private final Set<String> reported = new HashSet<>();

  UnpublishableNames(ProducerMetrics metrics) {
    this.metrics = metrics;
  }

  void found(RootSpec root, String directory, int names) {
    for (int i = 0; i < names; i++) {
      metrics.unpublishableName();
    }
    String id = root.name() + "/" + directory;
    if (names > 0 && reported.size() < MAX_REPORTED_DIRECTORIES && reported.add(id)) {
      LOG.warn(
          "root '{}': a file in directory '{}' has a name that is not valid UTF-8; it is not"
              + " published (see the producer README: non-UTF-8 names)",
          root.name(),
          directory);
    }
  }
}
