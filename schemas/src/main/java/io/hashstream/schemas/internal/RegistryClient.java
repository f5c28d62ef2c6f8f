package io.hashstream.schemas.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hashstream.schemas.serde.RegistryRequestException;
import io.hashstream.schemas.serde.RegistryUnavailableException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.SerializationException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of the registry's Confluent-compatible REST API, over {@code java.net.http}: registers
 * subject versions, looks schemas up by id and by subject, reads and sets a subject's
 * compatibility, and tests compatibility. Schemas and ids are cached in both directions.
 *
 * <p>A connection failure or a 5xx answer is retried with doubling waits ({@code max.retries},
 * {@code retries.wait.ms}, {@code retries.max.wait.ms}), trying the next base URL each time; when
 * retries run out, {@link RegistryUnavailableException}. A 4xx answer becomes a {@link
 * RegistryRequestException} carrying the status, the registry's {@code error_code} and message.
 * Thread-safe.
 */
public final class RegistryClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RegistryClient.class);
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final String ACCEPT =
      "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; qs=0.9,"
          + " application/json; qs=0.5";
  private static final int MAX_BODY_IN_MESSAGE = 500;
  private static final int MAX_REFERENCE_DEPTH = 32;

  private final RegistrySettings settings;
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();
  private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
  private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();

  public RegistryClient(RegistrySettings settings) {
    this.settings = settings;
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .connectTimeout(settings.connectTimeout())
            .followRedirects(HttpClient.Redirect.NORMAL);
    SSLContext tls = settings.sslContext();
    if (tls != null) {
      builder.sslContext(tls);
    }
    this.http = builder.build();
  }

  public RegistrySettings settings() {
    return settings;
  }

  /** A schema with its registry coordinates. */
  public record Registered(String subject, int version, int id, Schema schema) {}

  /** Registers {@code schema} under {@code subject} (a no-op if it is already there); its id. */
  public int register(String subject, Schema schema) {
    Integer cached = cachedId(subject, schema);
    if (cached != null) {
      return cached;
    }
    JsonNode answer =
        send(
            "POST",
            "/subjects/" + PathSegments.encode(subject) + "/versions",
            schemaBody(schema),
            "register a schema under subject '" + subject + "'");
    int id = requiredInt(answer, "id");
    remember(subject, schema, id);
    return id;
  }

  /**
   * The id of {@code schema} as registered under {@code subject}.
   *
   * @throws RegistryRequestException with 40401 or 40403 if it is not registered there
   */
  public int lookUpId(String subject, Schema schema) {
    Integer cached = cachedId(subject, schema);
    if (cached != null) {
      return cached;
    }
    JsonNode answer =
        send(
            "POST",
            "/subjects/" + PathSegments.encode(subject),
            schemaBody(schema),
            "look up a schema under subject '" + subject + "'");
    int id = requiredInt(answer, "id");
    remember(subject, schema, id);
    return id;
  }

  /** The latest version registered under {@code subject}. */
  public Registered latest(String subject) {
    return version(subject, "latest");
  }

  /** A version registered under {@code subject}: a number or {@code latest}. */
  public Registered version(String subject, String version) {
    JsonNode answer =
        send(
            "GET",
            "/subjects/" + PathSegments.encode(subject) + "/versions/" + version,
            null,
            "read version " + version + " of subject '" + subject + "'");
    int id = requiredInt(answer, "id");
    Schema schema = parseWithReferences(answer, "version " + version + " of " + subject);
    schemasById.putIfAbsent(id, schema);
    remember(subject, schema, id);
    return new Registered(subject, requiredInt(answer, "version"), id, schema);
  }

  /** The version numbers registered under {@code subject}; empty if the subject does not exist. */
  public List<Integer> versions(String subject) {
    try {
      JsonNode answer =
          send(
              "GET",
              "/subjects/" + PathSegments.encode(subject) + "/versions",
              null,
              "list the versions of subject '" + subject + "'");
      List<Integer> versions = new ArrayList<>();
      for (JsonNode version : answer) {
        versions.add(version.asInt());
      }
      return versions;
    } catch (RegistryRequestException e) {
      if (e.status() == 404) {
        return List.of();
      }
      throw e;
    }
  }

  /**
   * The schema with this id.
   *
   * @throws RegistryRequestException with 40403 if the registry has no such schema
   */
  public Schema schemaById(int id) {
    Schema cached = schemasById.get(id);
    if (cached != null) {
      return cached;
    }
    JsonNode answer = send("GET", "/schemas/ids/" + id, null, "read the schema with id " + id);
    Schema schema = parseWithReferences(answer, "schema id " + id);
    Schema previous = schemasById.putIfAbsent(id, schema);
    return previous == null ? schema : previous;
  }

  /** The compatibility level set on {@code subject} itself, if the registry reports one. */
  public Optional<String> subjectCompatibility(String subject) {
    try {
      JsonNode answer =
          send(
              "GET",
              "/config/" + PathSegments.encode(subject) + "?defaultToGlobal=false",
              null,
              "read the compatibility of subject '" + subject + "'");
      JsonNode level = answer.get("compatibilityLevel");
      if (level == null) {
        level = answer.get("compatibility");
      }
      return level == null || !level.isTextual() ? Optional.empty() : Optional.of(level.asText());
    } catch (RegistryRequestException e) {
      if (e.status() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Sets {@code subject}'s own compatibility level, for example {@code FULL_TRANSITIVE}. */
  public void setCompatibility(String subject, String level) {
    ObjectNode body = json.createObjectNode().put("compatibility", level);
    send(
        "PUT",
        "/config/" + PathSegments.encode(subject),
        body.toString(),
        "set the compatibility of subject '" + subject + "' to " + level);
  }

  /**
   * Whether {@code schema} is compatible with the versions under {@code subject}, by the subject's
   * compatibility level; true for a subject that does not exist yet.
   */
  public boolean isCompatible(String subject, Schema schema) {
    try {
      JsonNode answer =
          send(
              "POST",
              "/compatibility/subjects/" + PathSegments.encode(subject) + "/versions/latest",
              schemaBody(schema),
              "test a schema's compatibility with subject '" + subject + "'");
      JsonNode compatible = answer.get("is_compatible");
      if (compatible == null || !compatible.isBoolean()) {
        throw new SerializationException(
            "the schema registry answered a compatibility test without is_compatible: " + answer);
      }
      return compatible.asBoolean();
    } catch (RegistryRequestException e) {
      if (e.status() == 404 && e.errorCode() == RegistryRequestException.SUBJECT_NOT_FOUND) {
        return true;
      }
      throw e;
    }
  }

  @Override
  public void close() {
    http.close();
  }

  private @Nullable Integer cachedId(String subject, Schema schema) {
    Map<Schema, Integer> ids = idsBySubject.get(subject);
    return ids == null ? null : ids.get(schema);
  }

  private void remember(String subject, Schema schema, int id) {
    idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>()).put(schema, id);
    schemasById.putIfAbsent(id, schema);
  }

  private String schemaBody(Schema schema) {
    return json.createObjectNode().put("schema", schema.toString()).toString();
  }

  /**
   * Parses the schema of a registry answer, after the schemas it references (Confluent's schema
   * references, as Apicurio's serde registers nested named types), depth first.
   */
  private Schema parseWithReferences(JsonNode answer, String what) {
    Schema.Parser parser = new Schema.Parser();
    addReferences(parser, answer, what, new HashSet<>(), 0);
    return parse(parser, requiredText(answer, "schema"), what);
  }

  private void addReferences(
      Schema.Parser parser, JsonNode answer, String what, Set<String> added, int depth) {
    JsonNode references = answer.get("references");
    if (references == null || !references.isArray()) {
      return;
    }
    if (depth > MAX_REFERENCE_DEPTH) {
      throw new UnparsableSchemaException(
          "the schema registry's references for " + what + " nest deeper than "
              + MAX_REFERENCE_DEPTH,
          null);
    }
    for (JsonNode reference : references) {
      String subject = requiredText(reference, "subject");
      String version = Integer.toString(requiredInt(reference, "version"));
      if (!added.add(subject + "/" + version)) {
        continue;
      }
      String referenced = "version " + version + " of subject '" + subject + "'";
      JsonNode answerOfReference =
          send(
              "GET",
              "/subjects/" + PathSegments.encode(subject) + "/versions/" + version,
              null,
              "read " + referenced + ", referenced by " + what);
      addReferences(parser, answerOfReference, referenced, added, depth + 1);
      parse(parser, requiredText(answerOfReference, "schema"), referenced);
    }
  }

  private static Schema parse(Schema.Parser parser, String text, String what) {
    try {
      return parser.parse(text);
    } catch (AvroRuntimeException e) {
      throw new UnparsableSchemaException(
          "the schema registry returned a schema for " + what + " that is not valid Avro: "
              + e.getMessage(),
          e);
    }
  }

  private static int requiredInt(JsonNode answer, String field) {
    JsonNode value = answer.get(field);
    if (value == null || !value.canConvertToInt()) {
      throw new SerializationException(
          "the schema registry's answer has no integer '" + field + "': " + answer);
    }
    return value.asInt();
  }

  private static String requiredText(JsonNode answer, String field) {
    JsonNode value = answer.get(field);
    if (value == null || !value.isTextual()) {
      throw new SerializationException(
          "the schema registry's answer has no text '" + field + "': " + answer);
    }
    return value.asText();
  }

  /**
   * Sends one request, retrying connection failures and 5xx answers; the parsed JSON answer.
   *
   * @param what what the request does, for messages: "register a schema under subject 'x'"
   */
  private JsonNode send(String method, String path, @Nullable String body, String what) {
    List<String> urls = settings.baseUrls();
    String lastProblem = "";
    Exception lastCause = null;
    int attempts = settings.maxRetries() + 1;
    long started = System.nanoTime();
    for (int attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) {
        pause(backoff(attempt));
      }
      String url = urls.get(attempt % urls.size()) + path;
      HttpRequest request = request(method, url, body);
      HttpResponse<String> response;
      try {
        response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      } catch (SSLHandshakeException | SSLPeerUnverifiedException e) {
        // Not transient: the trust store or the host name is wrong, and retries will not fix it.
        throw new SerializationException(
            "TLS with the schema registry failed: could not "
                + what
                + " at "
                + url
                + " ("
                + describe(e)
                + "); check schema.registry.ssl.truststore.* and the registry's host name",
            e);
      } catch (IOException e) {
        lastProblem = url + ": " + describe(e);
        lastCause = e;
        LOG.debug("registry request failed (attempt {} of {}): {}", attempt + 1, attempts, lastProblem);
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptException("interrupted while waiting for the schema registry", e);
      }
      int status = response.statusCode();
      if (status >= 200 && status < 300) {
        return parseAnswer(response.body(), url);
      }
      if (status >= 500) {
        lastProblem = url + " answered HTTP " + status + ": " + abbreviate(response.body());
        lastCause = null;
        LOG.debug("registry request failed (attempt {} of {}): {}", attempt + 1, attempts, lastProblem);
        continue;
      }
      throw refusal(status, response.body(), what, url);
    }
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
    String message =
        "the schema registry is unavailable: could not "
            + what
            + " after "
            + attempts
            + (attempts == 1 ? " attempt" : " attempts")
            + " in "
            + seconds
            + " s; last: "
            + lastProblem;
    if (lastCause == null) {
      lastCause = new IOException(lastProblem);
    }
    throw new RegistryUnavailableException(message, lastCause);
  }

  private HttpRequest request(String method, String url, @Nullable String body) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(settings.requestTimeout())
            .header("Accept", ACCEPT);
    String authorization = settings.authorization();
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    if (body == null) {
      builder.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      builder
          .header("Content-Type", CONTENT_TYPE)
          .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }
    return builder.build();
  }

  private Duration backoff(int attempt) {
    long wait = settings.retryWait().toMillis();
    for (int i = 1; i < attempt && wait < settings.retryMaxWait().toMillis(); i++) {
      wait *= 2;
    }
    return Duration.ofMillis(Math.min(wait, settings.retryMaxWait().toMillis()));
  }

  private static void pause(Duration wait) {
    try {
      TimeUnit.MILLISECONDS.sleep(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptException("interrupted while waiting to retry the schema registry", e);
    }
  }

  private JsonNode parseAnswer(String body, String url) {
    try {
      return json.readTree(body);
    } catch (JsonProcessingException e) {
      throw new SerializationException(
          url + " answered with something that is not JSON: " + abbreviate(body), e);
    }
  }

  private RegistryRequestException refusal(int status, String body, String what, String url) {
    int errorCode = status;
    String message = abbreviate(body);
    try {
      JsonNode error = json.readTree(body);
      if (error != null && error.isObject()) {
        JsonNode code = error.get("error_code");
        if (code != null && code.canConvertToInt()) {
          errorCode = code.asInt();
        }
        JsonNode text = error.get("message");
        if (text != null && text.isTextual()) {
          message = text.asText();
        }
      }
    } catch (JsonProcessingException e) {
      // Not JSON (a proxy's page, say): the body itself is the message.
    }
    // A registry behind authentication says little more than its status: say what to fix.
    String hint =
        switch (status) {
          case 401 ->
              "; the registry wants a user: basic.auth.credentials.source=USER_INFO and"
                  + " basic.auth.user.info=USER:PASSWORD in --client-config, and check both";
          case 403 ->
              "; the registry's user lacks the role for this (Apicurio: sr-developer registers schemas"
                  + " and sets a subject's compatibility, sr-readonly only reads)";
          default -> "";
        };
    return new RegistryRequestException(
        "the schema registry refused to "
            + what
            + " (HTTP "
            + status
            + ", error code "
            + errorCode
            + " from "
            + url
            + "): "
            + message
            + hint,
        status,
        errorCode,
        message);
  }

  private static String describe(IOException e) {
    String message = e.getMessage();
    String type = e.getClass().getSimpleName();
    if (message == null || message.isBlank()) {
      Throwable cause = e.getCause();
      return cause == null ? type : type + " (" + cause + ")";
    }
    return type + ": " + message;
  }

  private static String abbreviate(String text) {
    String flat = text.strip().replaceAll("\\s+", " ");
    return flat.length() <= MAX_BODY_IN_MESSAGE
        ? flat
        : flat.substring(0, MAX_BODY_IN_MESSAGE) + "...";
  }
}
