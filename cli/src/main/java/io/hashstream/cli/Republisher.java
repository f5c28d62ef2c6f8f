package io.hashstream.cli;

import io.hashstream.consumer.verify.Finding;
import io.hashstream.consumer.verify.Verdict;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code verify --republish}: the paths whose table is behind (metadata differs, missing, gone),
 * handed to the running producer of their roots over its HTTP port ({@code POST
 * /roots/<root>/republish}), which publishes each as it is now under its own epoch. Drift is not
 * among them: it is evidence, and publishing the file would replace the good digest.
 */
final class Republisher {
  private final URI producer;
  private final Map<String, List<String>> byRoot = new LinkedHashMap<>();

  /** @param producer the producer's metrics address, such as {@code http://127.0.0.1:9464} */
  Republisher(URI producer) {
    this.producer = producer;
  }

  void take(Finding finding) {
    if (finding.verdict() == Verdict.TABLE_BEHIND
        || finding.verdict() == Verdict.MISSING_FROM_TABLE
        || finding.verdict() == Verdict.GONE_FROM_TREE) {
      byRoot.computeIfAbsent(finding.root(), _ -> new ArrayList<>()).add(finding.path());
    }
  }

  /**
   * Sends the paths taken, one request per root.
   *
   * @return how many paths the producer took
   * @throws UserErrors.FailedException if the producer cannot be reached or refuses
   */
  int send() throws InterruptedException {
    int sent = 0;
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
      for (Map.Entry<String, List<String>> root : byRoot.entrySet()) {
        URI uri = producer.resolve("/roots/" + URLEncoder.encode(root.getKey(), StandardCharsets.UTF_8) + "/republish");
        HttpRequest request =
            HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", root.getValue()) + "\n"))
                .build();
        HttpResponse<String> response;
        try {
          response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
          throw new UserErrors.FailedException(
              "cannot reach the producer at " + producer + " to publish " + root.getValue().size() + " paths again: " + e.getMessage()
                  + " (--republish takes the address of a producer's --metrics-port on this host)",
              e);
        }
        if (response.statusCode() != 202) {
          throw new UserErrors.FailedException(
              "the producer at " + producer + " refused to publish the paths of root " + root.getKey() + " again: HTTP "
                  + response.statusCode() + " " + response.body());
        }
        sent += root.getValue().size();
      }
    }
    return sent;
  }
}
