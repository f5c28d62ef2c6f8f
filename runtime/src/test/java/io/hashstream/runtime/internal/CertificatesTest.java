package io.hashstream.runtime.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificatesTest {
  private static final String PASSWORD = "test-store-password";
  private static final Certificates.Validity SHORT =
      new Certificates.Validity(Duration.ofDays(400), Duration.ofDays(60), Duration.ofDays(30));

  /** Made once (about 4 s of keytool); each test works on a copy. */
  @TempDir static Path template;

  @TempDir Path directory;
  private static Instant made = Instant.EPOCH;

  @BeforeAll
  static void makeOnce() throws Exception {
    made = Instant.now();
    assertThat(new Certificates(template, PASSWORD, SHORT, Clock.fixed(made, ZoneOffset.UTC)).ensure())
        .isEqualTo(Certificates.Outcome.CREATED);
  }

  @BeforeEach
  void copyOfTheTemplate() throws Exception {
    try (var files = Files.list(template)) {
      for (Path file : files.toList()) {
        Files.copy(file, directory.resolve(file.getFileName()));
      }
    }
  }

  @Test
  void makesACaAndAServerCertificateForLoopbackThatTheTrustStoreVerifies() throws Exception {
    Certificates certificates = at(made);

    X509Certificate server = certificate(certificates.serverKeystore(), "server");
    X509Certificate ca = certificate(certificates.truststore(), "ca");
    server.verify(ca.getPublicKey());
    List<Object> names = server.getSubjectAlternativeNames().stream().map(name -> (Object) name.get(1)).toList();
    assertThat(names).containsExactlyInAnyOrder("127.0.0.1", "localhost");
    assertThat(server.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1");
    assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(Duration.between(made, server.getNotAfter().toInstant()).toDays()).isBetween(58L, 60L);
    assertThat(certificates.serverNotAfter()).isEqualTo(server.getNotAfter().toInstant());
    assertThat(Files.readString(certificates.caPem())).startsWith("-----BEGIN CERTIFICATE-----");
  }

  @Test
  void keepsCertificatesFarFromTheirEnd() throws Exception {
    byte[] before = Files.readAllBytes(directory.resolve("server.p12"));

    assertThat(at(made.plus(Duration.ofDays(20))).ensure()).isEqualTo(Certificates.Outcome.KEPT);
    assertThat(Files.readAllBytes(directory.resolve("server.p12"))).isEqualTo(before);
  }

  @Test
  void renewsTheServerCertificateCloseToItsEndAndKeepsTheCaClientsTrust() throws Exception {
    Certificates now = at(made);
    X509Certificate old = certificate(now.serverKeystore(), "server");
    byte[] trust = Files.readAllBytes(now.truststore());

    Certificates later = at(made.plus(Duration.ofDays(45)));
    assertThat(later.ensure()).isEqualTo(Certificates.Outcome.RENEWED_SERVER);

    X509Certificate renewed = certificate(later.serverKeystore(), "server");
    assertThat(renewed.getSerialNumber()).isNotEqualTo(old.getSerialNumber());
    assertThat(renewed.getPublicKey()).isNotEqualTo(old.getPublicKey());
    assertThat(Files.readAllBytes(later.truststore())).as("clients keep their trust store").isEqualTo(trust);
    renewed.verify(certificate(later.truststore(), "ca").getPublicKey());
    assertThat(List.of(directory.toFile().list())).doesNotContain("server.p12.new", "server.csr", "server.pem");
  }

  @Test
  void makesEverythingAgainWhenTheCaWouldEndBeforeANewServerCertificate() throws Exception {
    Certificates now = at(made);
    X509Certificate oldCa = certificate(now.truststore(), "ca");

    Certificates later = at(made.plus(Duration.ofDays(320)));
    assertThat(later.ensure()).isEqualTo(Certificates.Outcome.RENEWED_ALL);

    X509Certificate newCa = certificate(later.truststore(), "ca");
    assertThat(newCa.getSerialNumber()).isNotEqualTo(oldCa.getSerialNumber());
    certificate(later.serverKeystore(), "server").verify(newCa.getPublicKey());
  }

  @Test
  void aStoreThatCannotBeReadIsOneLineThatSaysWhatToDo() throws Exception {
    Files.write(directory.resolve("server.p12"), new byte[] {1, 2, 3});

    assertThatThrownBy(() -> at(made).ensure())
        .hasMessageContaining("server.p12 cannot be read")
        .hasMessageContaining("remove " + directory + " to make new certificates");
  }

  private Certificates at(Instant instant) {
    return new Certificates(directory, PASSWORD, SHORT, Clock.fixed(instant, ZoneOffset.UTC));
  }

  private static X509Certificate certificate(Path store, String alias) throws Exception {
    try (InputStream in = Files.newInputStream(store)) {
      KeyStore keyStore = KeyStore.getInstance("PKCS12");
      keyStore.load(in, PASSWORD.toCharArray());
      return (X509Certificate) keyStore.getCertificate(alias);
    }
  }
}
