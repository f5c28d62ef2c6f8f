package io.hashstream.schemas.serde;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * A forwarding proxy on loopback in front of the real registry: it passes every request through,
 * unless told to fail the next ones with 503, or to demand an {@code Authorization} header. With an
 * SSL context it serves HTTPS. Not a fake registry: every answer that is not an injected failure
 * comes from the real one.
 */
final class RegistryProxy implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final HttpClient upstream = HttpClient.newHttpClient();
  private final String target;
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private final AtomicInteger requests = new AtomicInteger();
  private volatile @Nullable String requiredAuthorization;

  /** A proxy to {@code targetBaseUrl} (ending without slash), on HTTPS when {@code tls} is given. */
  RegistryProxy(String targetBaseUrl, @Nullable SSLContext tls) throws IOException {
    this.target = targetBaseUrl;
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    if (tls == null) {
      server = HttpServer.create(address, 0);
    } else {
      HttpsServer https = HttpsServer.create(address, 0);
      https.setHttpsConfigurator(new HttpsConfigurator(tls));
      server = https;
    }
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** The proxy's base URL, standing for the target's. */
  String url(String scheme) {
    return scheme + "://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Answers the next {@code count} requests with 503. */
  void failNext(int count) {
    failuresLeft.set(count);
  }

  /** Demands this exact {@code Authorization} header, answering 401 without it. */
  void requireAuthorization(@Nullable String value) {
    requiredAuthorization = value;
  }

  /** Requests received so far, failed or forwarded. */
  int requests() {
    return requests.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      requests.incrementAndGet();
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      String required = requiredAuthorization;
      if (required != null && !required.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        respond(exchange, 401, "{\"error_code\":401,\"message\":\"Unauthorized\"}");
        return;
      }
      if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        respond(exchange, 503, "{\"error_code\":50301,\"message\":\"injected: try again\"}");
        return;
      }
      HttpRequest.Builder forward =
          HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
              .timeout(Duration.ofSeconds(30))
              .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
      String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
      if (contentType != null) {
        forward.header("Content-Type", contentType);
      }
      HttpResponse<String> answer;
      try {
        answer = upstream.send(forward.build(), HttpResponse.BodyHandlers.ofString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        respond(exchange, 502, "{\"error_code\":502,\"message\":\"interrupted\"}");
        return;
      }
      respond(exchange, answer.statusCode(), answer.body());
    }
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    upstream.close();
    executor.close();
  }
}
