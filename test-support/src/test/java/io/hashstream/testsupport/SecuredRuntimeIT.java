package io.hashstream.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hashstream.runtime.LocalRuntime;
import io.hashstream.runtime.LocalRuntimeException;
import io.hashstream.runtime.Principal;
import io.hashstream.runtime.RuntimeSettings;
import io.hashstream.runtime.internal.Certificates;
import io.hashstream.runtime.internal.Passwords;
import java.io.InputStream;
import java.io.Reader;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secured runtime's own promises: a certificate close to its end is renewed at start and then
 * served by the broker and the registry; a password changed in the passwords file holds from the
 * next start on and the old one no longer does; a data directory stays secured or plain.
 */
@Tag("local-runtime")
class SecuredRuntimeIT {
  @TempDir Path dataDirectory;

  @Test
  void renewsACertificateCloseToItsEndAndRotatesAChangedPassword() throws Exception {
    RuntimeSettings settings = TestRuntimes.settings(dataDirectory).withSecure(true);
    // A secured directory whose server certificate ends in 10 days: inside the 30 days of renewal.
    Path secure = dataDirectory.resolve("secure");
    Files.createDirectories(secure);
    Passwords passwords = Passwords.loadOrCreate(secure.resolve("passwords.properties"));
    Certificates expiring =
        new Certificates(
            secure,
            passwords.stores(),
            new Certificates.Validity(Duration.ofDays(3650), Duration.ofDays(10), Duration.ofDays(5)),
            Clock.systemUTC());
    expiring.ensure();
    Instant oldEnd = expiring.serverNotAfter();
    String oldReaderPassword = passwords.of(Principal.READER);

    try (LocalRuntime runtime = LocalRuntime.start(settings)) {
      Instant renewed = runtime.certificateNotAfter();
      assertThat(renewed).isAfter(oldEnd.plus(Duration.ofDays(300)));
      assertThat(servedCertificate(runtime, settings.kafkaPort()).getNotAfter().toInstant()).isEqualTo(renewed);
      assertThat(servedCertificate(runtime, settings.registryPort()).getNotAfter().toInstant()).isEqualTo(renewed);
      assertThat(describeCluster(runtime.kafkaClientProperties(Principal.READER))).isTrue();
      assertThat(registryStatus(runtime, "reader:" + oldReaderPassword)).isEqualTo(200);
      assertThat(registryStatus(runtime, "reader:wrong")).isEqualTo(401);
    }

    Properties file = new Properties();
    try (Reader in = Files.newBufferedReader(secure.resolve("passwords.properties"), StandardCharsets.UTF_8)) {
      file.load(in);
    }
    file.setProperty("reader", "a-new-password-for-the-reader");
    try (Writer out = Files.newBufferedWriter(secure.resolve("passwords.properties"), StandardCharsets.UTF_8)) {
      file.store(out, null);
    }
    try (LocalRuntime restarted = LocalRuntime.start(settings)) {
      Map<String, String> reader = restarted.kafkaClientProperties(Principal.READER);
      assertThat(reader.get("sasl.jaas.config")).contains("password=\"a-new-password-for-the-reader\"");
      assertThat(Files.readString(restarted.clientPropertiesFile(Principal.READER))).contains("a-new-password-for-the-reader");
      assertThat(describeCluster(reader)).isTrue();
      Map<String, String> old = new HashMap<>(reader);
      old.put(
          "sasl.jaas.config",
          Objects.requireNonNull(reader.get("sasl.jaas.config")).replace("a-new-password-for-the-reader", oldReaderPassword));
      assertThatThrownBy(() -> describeCluster(old)).hasRootCauseInstanceOf(SaslAuthenticationException.class);
      assertThat(registryStatus(restarted, "reader:a-new-password-for-the-reader")).isEqualTo(200);
      assertThat(registryStatus(restarted, "reader:" + oldReaderPassword)).isEqualTo(401);
    }

    assertThatThrownBy(() -> LocalRuntime.start(settings.withSecure(false)))
        .isInstanceOf(LocalRuntimeException.class)
        .hasMessage(
            "the data directory "
                + dataDirectory
                + " holds a secured local cluster; start it with --secure, or choose another with --data-dir");
  }

  @Test
  void aPlainDataDirectoryIsNotSecuredInPlace() throws Exception {
    RuntimeSettings settings = TestRuntimes.settings(dataDirectory);
    try (LocalRuntime _ = LocalRuntime.start(settings)) {
      // Made plain.
    }
    assertThatThrownBy(() -> LocalRuntime.start(settings.withSecure(true)))
        .isInstanceOf(LocalRuntimeException.class)
        .hasMessage(
            "the data directory "
                + dataDirectory
                + " holds a local cluster made without --secure; choose another with --data-dir for a secured one");
  }

  private static boolean describeCluster(Map<String, String> client) throws Exception {
    Map<String, Object> config = new HashMap<>(client);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    try (Admin admin = Admin.create(config)) {
      return !admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).isEmpty();
    }
  }

  private static int registryStatus(LocalRuntime runtime, String userInfo) throws Exception {
    try (HttpClient http = HttpClient.newBuilder().sslContext(trusting(runtime)).build()) {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(runtime.schemaRegistryUrl() + "/subjects"))
              .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)))
              .GET()
              .build();
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
  }

  private static X509Certificate servedCertificate(LocalRuntime runtime, int port) throws Exception {
    try (SSLSocket socket = (SSLSocket) trusting(runtime).getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.startHandshake();
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }

  private static SSLContext trusting(LocalRuntime runtime) throws Exception {
    Map<String, String> reader = runtime.clientProperties(Principal.READER);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(Path.of(Objects.requireNonNull(reader.get("ssl.truststore.location"))))) {
      trust.load(in, Objects.requireNonNull(reader.get("ssl.truststore.password")).toCharArray());
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLSv1.3");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }
}
