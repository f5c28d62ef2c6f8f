package io.hashstream.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Consumer;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * {@code --metrics-port}: Prometheus metrics at {@code /metrics} and a health answer at {@code
 * /health} that an orchestrator can probe. A picocli mixin for every long-running command.
 */
final class MetricsOptions {
  @Option(
      names = "--metrics-port",
      paramLabel = "N",
      defaultValue = "${env:HASHSTREAM_METRICS_PORT}",
      description =
          "Serve Prometheus metrics at /metrics and health at /health on this port, all"
              + " interfaces (env HASHSTREAM_METRICS_PORT; default: not served).")
  private @Nullable Integer port;

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  /** The registry every part of the command records into. */
  MeterRegistry registry() {
    return registry;
  }

  /** What {@code /health} answers. */
  record Health(Status status, String reason) {
    enum Status {
      READY,
      DEGRADED,
      FAILING
    }

    static Health ready() {
      return new Health(Status.READY, "");
    }

    /** Degraded while the producer holds roots or deletes (naming them and why), else ready. */
    static Health ofProducer(Map<String, String> heldRoots, Map<String, Integer> heldDeletes) {
      if (heldRoots.isEmpty() && heldDeletes.isEmpty()) {
        return ready();
      }
      return new Health(
          Status.DEGRADED,
          java.util.stream.Stream.concat(
                  heldRoots.entrySet().stream().map(held -> "root " + held.getKey() + " is held: " + held.getValue()),
                  heldDeletes.entrySet().stream()
                      .map(held -> "root " + held.getKey() + ": " + held.getValue()
                          + " deletes held (POST /roots/" + held.getKey() + "/confirm-deletes confirms them)"))
              .collect(java.util.stream.Collectors.joining("; ")));
    }
  }

  /**
   * Starts serving if a port was given; the server's thread is a daemon and dies with the JVM.
   *
   * @throws UserErrors.UsageException if the port is taken
   */
  void serve(Supplier<Health> health) {
    serve(health, null);
  }

  /** What a producer's HTTP port lets an operator on its host do to a root. */
  interface RootActions {
    /** {@code POST /roots/<root>/confirm-deletes}: the held deletes are real. */
    void confirmDeletes(String root);

    /**
     * {@code POST /roots/<root>/republish}, one relative path per line: publish them again as they
     * are now ({@code hashstream verify --republish}).
     *
     * @throws IllegalArgumentException if the root or a path is not one of the producer's
     */
    void republish(String root, List<String> paths);
  }

  /**
   * Like {@link #serve(Supplier)}, with {@code POST /roots/<root>/confirm-deletes} and {@code POST
   * /roots/<root>/republish} handed to {@code actions}: accepted from this host (loopback) only,
   * since they publish.
   */
  void serve(Supplier<Health> health, @Nullable RootActions actions) {
    Integer chosen = port;
    if (chosen == null) {
      return;
    }
    if (chosen < 1 || chosen > 65535) {
      throw new UserErrors.UsageException("--metrics-port must be between 1 and 65535, not " + chosen);
    }
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    @SuppressWarnings("resource") // the binder lives as long as the JVM: nothing to close earlier
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(chosen), 16);
    } catch (IOException e) {
      throw new UserErrors.UsageException(
          "port " + chosen + " for metrics is already in use; choose another with --metrics-port");
    }
    server.createContext(
        "/metrics",
        exchange -> respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
    server.createContext(
        "/health",
        exchange -> {
          Health now = health.get();
          String body =
              "{\"status\":\"" + now.status().name().toLowerCase(java.util.Locale.ROOT) + "\""
                  + (now.reason().isEmpty() ? "" : ",\"reason\":" + quote(now.reason()))
                  + "}";
          respond(exchange, now.status() == Health.Status.FAILING ? 503 : 200, "application/json", body);
        });
    if (actions != null) {
      server.createContext("/roots/", exchange -> onRoot(exchange, actions));
    }
    server.setExecutor(null);
    server.start();
    LoggerFactory.getLogger(MetricsOptions.class)
        .info("metrics at http://0.0.0.0:{}/metrics, health at /health", chosen);
  }

  /** The most a republish request may send: about a million paths of 60 characters. */
  private static final int MAX_REPUBLISH_BYTES = 64 << 20;

  private static void onRoot(HttpExchange exchange, RootActions actions) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String confirm = "/confirm-deletes";
    String republish = "/republish";
    String suffix = path.endsWith(confirm) ? confirm : path.endsWith(republish) ? republish : null;
    if (suffix == null || path.length() <= "/roots/".length() + suffix.length()) {
      respond(exchange, 404, "application/json", "{\"error\":\"POST /roots/<root>/confirm-deletes or /roots/<root>/republish\"}");
      return;
    }
    if (!exchange.getRequestMethod().equals("POST")) {
      respond(exchange, 405, "application/json", "{\"error\":\"POST only\"}");
      return;
    }
    if (!exchange.getRemoteAddress().getAddress().isLoopbackAddress()) {
      respond(exchange, 403, "application/json", "{\"error\":\"from this host only\"}");
      return;
    }
    String root = path.substring("/roots/".length(), path.length() - suffix.length());
    if (suffix.equals(confirm)) {
      actions.confirmDeletes(root);
      LoggerFactory.getLogger(MetricsOptions.class).warn("the held deletes of root '{}' were confirmed over HTTP", root);
      respond(exchange, 202, "application/json", "{\"confirmed\":" + quote(root) + "}");
      return;
    }
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readNBytes(MAX_REPUBLISH_BYTES + 1);
    }
    if (body.length > MAX_REPUBLISH_BYTES) {
      respond(exchange, 413, "application/json", "{\"error\":\"at most 64 MiB of paths per request\"}");
      return;
    }
    List<String> paths =
        new String(body, StandardCharsets.UTF_8).lines().filter(line -> !line.isEmpty()).toList();
    try {
      actions.republish(root, paths);
    } catch (IllegalArgumentException e) {
      respond(exchange, 400, "application/json", "{\"error\":" + quote(String.valueOf(e.getMessage())) + "}");
      return;
    }
    LoggerFactory.getLogger(MetricsOptions.class).info("{} paths of root '{}' to publish again, asked over HTTP", paths.size(), root);
    respond(exchange, 202, "application/json", "{\"republish\":" + paths.size() + "}");
  }

  private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static String quote(String text) {
    return new com.fasterxml.jackson.databind.node.TextNode(text).toString();
  }
}
