package io.hashstream.schemas.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hashstream.schemas.serde.SerdeConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class RegistrySettingsTest {

  private static RegistrySettings settings(Map<String, Object> config) {
    return RegistrySettings.from(SerdeConfig.definition().parse(config));
  }

  private static String basic(String userInfo) {
    return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsConfluentsPropertiesWithTheirDefaults() {
    RegistrySettings settings =
        settings(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, "http://a:8081/, http://b:8081/apis/ccompat/v7"));

    assertThat(settings.baseUrls()).containsExactly("http://a:8081", "http://b:8081/apis/ccompat/v7");
    assertThat(settings.authorization()).isNull();
    assertThat(settings.sslContext()).isNull();
    assertThat(settings.hostnameVerification()).isTrue();
    assertThat(settings.maxRetries()).isEqualTo(3);
    assertThat(settings.retryWait()).isEqualTo(Duration.ofSeconds(1));
    assertThat(settings.retryMaxWait()).isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void takesBasicCredentialsFromTheUrlByDefault() {
    RegistrySettings settings =
        settings(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, "https://fred:s%40cret@registry:8081"));

    assertThat(settings.baseUrls()).containsExactly("https://registry:8081");
    assertThat(settings.authorization()).isEqualTo(basic("fred:s@cret"));
  }

  @Test
  void takesBasicCredentialsFromUserInfoUnderEitherName() {
    Map<String, Object> config = new HashMap<>();
    config.put(SerdeConfig.SCHEMA_REGISTRY_URL, "http://registry:8081");
    config.put(SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO");
    config.put(SerdeConfig.BASIC_AUTH_USER_INFO, "fred:pw");
    assertThat(settings(config).authorization()).isEqualTo(basic("fred:pw"));

    config.remove(SerdeConfig.BASIC_AUTH_USER_INFO);
    config.put(SerdeConfig.SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO, "wilma:pw2");
    assertThat(settings(config).authorization()).isEqualTo(basic("wilma:pw2"));

    config.remove(SerdeConfig.SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO);
    assertThatThrownBy(() -> settings(config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(SerdeConfig.BASIC_AUTH_USER_INFO);
  }

  @Test
  void takesAStaticBearerToken() {
    RegistrySettings settings =
        settings(
            Map.of(
                SerdeConfig.SCHEMA_REGISTRY_URL, "http://registry:8081",
                SerdeConfig.BEARER_AUTH_CREDENTIALS_SOURCE, "STATIC_TOKEN",
                SerdeConfig.BEARER_AUTH_TOKEN, "tok"));

    assertThat(settings.authorization()).isEqualTo("Bearer tok");
  }

  @Test
  void refusesWhatItDoesNotSupportByName() {
    assertThatThrownBy(() -> settings(Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(SerdeConfig.SCHEMA_REGISTRY_URL);
    assertThatThrownBy(() -> settings(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, "registry:8081")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not an http:// or https:// URL");
    assertThatThrownBy(
            () ->
                settings(
                    Map.of(
                        SerdeConfig.SCHEMA_REGISTRY_URL, "http://r",
                        SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "SASL_INHERIT")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("SASL_INHERIT")
        .hasMessageContaining("URL and USER_INFO");
    assertThatThrownBy(
            () ->
                settings(
                    Map.of(
                        SerdeConfig.SCHEMA_REGISTRY_URL, "https://r",
                        SerdeConfig.SSL_TRUSTSTORE_LOCATION, "/nonexistent/truststore.jks")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("/nonexistent/truststore.jks");
  }

  @Test
  void anEmptyEndpointIdentificationAlgorithmTurnsOffHostNameChecks() {
    RegistrySettings settings =
        settings(
            Map.of(
                SerdeConfig.SCHEMA_REGISTRY_URL, "https://r",
                SerdeConfig.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM, ""));

    assertThat(settings.hostnameVerification()).isFalse();
    assertThat(settings.sslContext()).isNotNull();
  }
}
