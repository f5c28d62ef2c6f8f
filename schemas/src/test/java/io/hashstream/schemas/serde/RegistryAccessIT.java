package io.hashstream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hashstream.testsupport.TestCluster;
import io.hashstream.schemas.RandomRecords;
import io.hashstream.schemas.avro.FileChangeEvent;
import io.hashstream.testsupport.SharedRuntime;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's existing registry client configuration works: basic authentication and TLS, with
 * Confluent's property names, through a forwarding proxy in front of the real registry (the local
 * registry itself speaks plain HTTP without authentication).
 */
@ExtendWith(SharedRuntime.class)
class RegistryAccessIT {
  private static final String PASSWORD = "changeit";

  @Test
  void sendsBasicCredentialsFromUserInfoOrTheUrl(TestCluster runtime) throws Exception {
    String topic = Fixtures.topic("access-basic");
    FileChangeEvent event = new RandomRecords(31).event();
    try (var proxy = new RegistryProxy(runtime.schemaRegistryUrl(), null)) {
      proxy.requireAuthorization(
          "Basic " + Base64.getEncoder().encodeToString("fred:s3cret:x".getBytes(StandardCharsets.UTF_8)));
      Map<String, Object> config = new HashMap<>(Fixtures.serdeConfig(runtime));
      config.put(SerdeConfig.SCHEMA_REGISTRY_URL, proxy.url("http"));

      try (var anonymous = new AvroSerializer<FileChangeEvent>(config, false)) {
        assertThatThrownBy(() -> anonymous.serialize(topic, event))
            .isInstanceOfSatisfying(
                RegistryRequestException.class,
                e -> {
                  assertThat(e.status()).isEqualTo(401);
                  assertThat(e.errorCode()).isEqualTo(401);
                  assertThat(e.registryMessage()).isEqualTo("Unauthorized");
                })
            .hasMessageContaining("(HTTP 401, error code 401");
      }

      config.put(SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO");
      config.put(SerdeConfig.BASIC_AUTH_USER_INFO, "fred:s3cret:x");
      try (var serializer = new AvroSerializer<FileChangeEvent>(config, false);
          var deserializer = new AvroDeserializer<>(FileChangeEvent.class, config, false)) {
        assertThat(deserializer.deserialize(topic, serializer.serialize(topic, event))).isEqualTo(event);
      }

      Map<String, Object> inUrl = new HashMap<>(Fixtures.serdeConfig(runtime));
      inUrl.put(SerdeConfig.SCHEMA_REGISTRY_URL, proxy.url("http").replace("://", "://fred:s3cret%3Ax@"));
      try (var deserializer = new AvroDeserializer<>(FileChangeEvent.class, inUrl, false);
          var serializer = new AvroSerializer<FileChangeEvent>(inUrl, false)) {
        assertThat(deserializer.deserialize(topic, serializer.serialize(topic, event))).isEqualTo(event);
      }
    }
  }

  @Test
  void speaksTlsWithTheConfiguredTrustStore(TestCluster runtime, @TempDir Path directory)
      throws Exception {
    Path keyStore = directory.resolve("server.p12");
    Path certificate = directory.resolve("server.crt");
    Path trustStore = directory.resolve("trust.p12");
    keytool("-genkeypair", "-alias", "registry", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
        "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", PASSWORD);
    keytool("-exportcert", "-alias", "registry", "-keystore", keyStore.toString(),
        "-storepass", PASSWORD, "-file", certificate.toString());
    keytool("-importcert", "-noprompt", "-alias", "registry", "-file", certificate.toString(),
        "-storetype", "PKCS12", "-keystore", trustStore.toString(), "-storepass", PASSWORD);
    Path otherKeyStore = directory.resolve("other.p12");
    keytool("-genkeypair", "-alias", "registry", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=elsewhere", "-ext", "SAN=dns:elsewhere.invalid", "-validity", "2",
        "-storetype", "PKCS12", "-keystore", otherKeyStore.toString(), "-storepass", PASSWORD);
    Path otherCertificate = directory.resolve("other.crt");
    Path otherTrustStore = directory.resolve("other-trust.p12");
    keytool("-exportcert", "-alias", "registry", "-keystore", otherKeyStore.toString(),
        "-storepass", PASSWORD, "-file", otherCertificate.toString());
    keytool("-importcert", "-noprompt", "-alias", "registry", "-file", otherCertificate.toString(),
        "-storetype", "PKCS12", "-keystore", otherTrustStore.toString(), "-storepass", PASSWORD);

    String topic = Fixtures.topic("access-tls");
    FileChangeEvent event = new RandomRecords(32).event();

    try (var proxy = new RegistryProxy(runtime.schemaRegistryUrl(), serverContext(keyStore))) {
      Map<String, Object> config = new HashMap<>(Fixtures.serdeConfig(runtime));
      config.put(SerdeConfig.SCHEMA_REGISTRY_URL, proxy.url("https"));

      // Without the trust store the server's self-signed certificate is refused, at once.
      try (var untrusting = new AvroSerializer<FileChangeEvent>(config, false)) {
        assertThatThrownBy(() -> untrusting.serialize(topic, event))
            .hasMessageContaining("TLS")
            .hasMessageContaining(proxy.url("https"));
      }

      config.put(SerdeConfig.SSL_TRUSTSTORE_LOCATION, trustStore.toString());
      config.put(SerdeConfig.SSL_TRUSTSTORE_PASSWORD, PASSWORD);
      config.put(SerdeConfig.SSL_TRUSTSTORE_TYPE, "PKCS12");
      try (var serializer = new AvroSerializer<FileChangeEvent>(config, false);
          var deserializer = new AvroDeserializer<>(FileChangeEvent.class, config, false)) {
        assertThat(deserializer.deserialize(topic, serializer.serialize(topic, event))).isEqualTo(event);
      }
    }

    // A trusted certificate for another host name: refused, unless host names are not checked.
    try (var proxy = new RegistryProxy(runtime.schemaRegistryUrl(), serverContext(otherKeyStore))) {
      Map<String, Object> config = new HashMap<>(Fixtures.serdeConfig(runtime));
      config.put(SerdeConfig.SCHEMA_REGISTRY_URL, proxy.url("https"));
      config.put(SerdeConfig.SSL_TRUSTSTORE_LOCATION, otherTrustStore.toString());
      config.put(SerdeConfig.SSL_TRUSTSTORE_PASSWORD, PASSWORD);
      config.put(SerdeConfig.SSL_TRUSTSTORE_TYPE, "PKCS12");
      try (var checking = new AvroSerializer<FileChangeEvent>(config, false)) {
        assertThatThrownBy(() -> checking.serialize(topic, event)).hasMessageContaining("TLS");
      }
      config.put(SerdeConfig.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM, "");
      try (var serializer = new AvroSerializer<FileChangeEvent>(config, false);
          var deserializer = new AvroDeserializer<>(FileChangeEvent.class, config, false)) {
        assertThat(deserializer.deserialize(topic, serializer.serialize(topic, event))).isEqualTo(event);
      }
    }
  }

  private static SSLContext serverContext(Path keyStore) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keyStore)) {
      store.load(in, PASSWORD.toCharArray());
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, PASSWORD.toCharArray());
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    return context;
  }

  private static void keytool(String... arguments) throws Exception {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    List<String> command = new java.util.ArrayList<>(List.of(keytool.toString()));
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
  }
}
