package io.hashstream.schemas.internal;

import io.hashstream.schemas.serde.SerdeConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.apache.kafka.common.config.ConfigException;
import org.jspecify.annotations.Nullable;

/**
 * How to reach the registry, parsed from Confluent's property names (see {@link SerdeConfig}).
 *
 * @param baseUrls the registry's base URLs, without trailing slash and without user info
 * @param authorization the value of the {@code Authorization} header, if any
 * @param sslContext the TLS context for {@code https} URLs, if TLS properties were given
 * @param hostnameVerification whether TLS checks the server's host name
 * @param maxRetries retries after a connection failure or a 5xx answer
 * @param retryWait the wait before the first retry
 * @param retryMaxWait the longest wait between retries
 * @param connectTimeout the connect timeout of a request
 * @param requestTimeout the timeout of a whole request
 */
public record RegistrySettings(
    List<String> baseUrls,
    @Nullable String authorization,
    @Nullable SSLContext sslContext,
    boolean hostnameVerification,
    int maxRetries,
    Duration retryWait,
    Duration retryMaxWait,
    Duration connectTimeout,
    Duration requestTimeout) {

  public RegistrySettings {
    baseUrls = List.copyOf(baseUrls);
    if (baseUrls.isEmpty()) {
      throw new ConfigException(SerdeConfig.SCHEMA_REGISTRY_URL + " names no URL");
    }
  }

  /** Settings from a parsed configuration ({@code SerdeConfig.definition().parse(...)}). */
  public static RegistrySettings from(Map<String, Object> parsed) {
    List<String> urls = new ArrayList<>();
    String urlUserInfo = null;
    for (String raw : stringList(parsed.get(SerdeConfig.SCHEMA_REGISTRY_URL))) {
      URI uri = parseUrl(raw.strip());
      if (uri.getRawUserInfo() != null && urlUserInfo == null) {
        urlUserInfo = decode(uri.getRawUserInfo());
      }
      urls.add(withoutUserInfo(uri));
    }
    boolean hostnameVerification =
        !ConfigValues.string(parsed, SerdeConfig.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM).isEmpty();
    return new RegistrySettings(
        urls,
        authorization(parsed, urlUserInfo),
        Tls.context(parsed, hostnameVerification),
        hostnameVerification,
        ConfigValues.integer(parsed, SerdeConfig.MAX_RETRIES),
        Duration.ofMillis(ConfigValues.longValue(parsed, SerdeConfig.RETRIES_WAIT_MS)),
        Duration.ofMillis(ConfigValues.longValue(parsed, SerdeConfig.RETRIES_MAX_WAIT_MS)),
        Duration.ofMillis(ConfigValues.longValue(parsed, SerdeConfig.HTTP_CONNECT_TIMEOUT_MS)),
        Duration.ofMillis(ConfigValues.longValue(parsed, SerdeConfig.HTTP_READ_TIMEOUT_MS)));
  }

  private static @Nullable String authorization(
      Map<String, Object> parsed, @Nullable String urlUserInfo) {
    String bearerSource = ConfigValues.optionalString(parsed, SerdeConfig.BEARER_AUTH_CREDENTIALS_SOURCE);
    if (bearerSource != null && !bearerSource.isBlank()) {
      if (!bearerSource.strip().equalsIgnoreCase("STATIC_TOKEN")) {
        throw new ConfigException(
            SerdeConfig.BEARER_AUTH_CREDENTIALS_SOURCE,
            bearerSource,
            "only STATIC_TOKEN is supported");
      }
      String token = ConfigValues.password(parsed, SerdeConfig.BEARER_AUTH_TOKEN);
      if (token == null || token.isBlank()) {
        throw new ConfigException(
            SerdeConfig.BEARER_AUTH_TOKEN + " is required with STATIC_TOKEN bearer authentication");
      }
      return "Bearer " + token.strip();
    }
    String source = ConfigValues.string(parsed, SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE).strip();
    String userInfo =
        switch (source.toUpperCase(Locale.ROOT)) {
          case "URL" -> urlUserInfo;
          case "USER_INFO" -> {
            String info = ConfigValues.password(parsed, SerdeConfig.BASIC_AUTH_USER_INFO);
            if (info == null) {
              info = ConfigValues.password(parsed, SerdeConfig.SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO);
            }
            if (info == null || info.isEmpty()) {
              throw new ConfigException(
                  SerdeConfig.BASIC_AUTH_USER_INFO
                      + " (user:password) is required when "
                      + SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE
                      + " is USER_INFO");
            }
            yield info;
          }
          default ->
              throw new ConfigException(
                  SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE,
                  source,
                  "supported sources are URL and USER_INFO");
        };
    if (userInfo == null) {
      return null;
    }
    return "Basic "
        + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
  }

  private static URI parseUrl(String raw) {
    try {
      URI uri = new URI(raw);
      String scheme = uri.getScheme();
      if (scheme == null
          || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
          || uri.getHost() == null) {
        throw new ConfigException(
            SerdeConfig.SCHEMA_REGISTRY_URL, raw, "not an http:// or https:// URL with a host");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new ConfigException(SerdeConfig.SCHEMA_REGISTRY_URL, raw, e.getMessage());
    }
  }

  private static String withoutUserInfo(URI uri) {
    StringBuilder url = new StringBuilder();
    url.append(uri.getScheme()).append("://");
    String host = uri.getHost();
    url.append(host);
    if (uri.getPort() >= 0) {
      url.append(':').append(uri.getPort());
    }
    String path = uri.getRawPath();
    if (path != null) {
      url.append(path);
    }
    while (url.charAt(url.length() - 1) == '/') {
      url.setLength(url.length() - 1);
    }
    return url.toString();
  }

  private static String decode(String raw) {
    return java.net.URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static List<String> stringList(@Nullable Object value) {
    if (value instanceof List<?> list) {
      return list.stream().map(Object::toString).filter(s -> !s.isBlank()).toList();
    }
    return List.of();
  }
}
