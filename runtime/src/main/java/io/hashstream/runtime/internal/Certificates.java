package io.hashstream.runtime.internal;

import io.hashstream.runtime.LocalRuntimeException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The secured runtime's certificates: a CA of its own and a server certificate it signed, for
 * {@code IP:127.0.0.1} and {@code localhost}, in PKCS12 stores in the data directory. They are made
 * with the running JDK's {@code keytool} on the first start, and made again at a start that finds
 * one within {@link Validity#renewBefore} of its end: the server certificate alone while the CA
 * lasts, so clients' trust stays valid; everything once the CA itself is close to its end.
 */
public final class Certificates {
  private static final Logger LOG = LoggerFactory.getLogger(Certificates.class);
  private static final Duration KEYTOOL_TIMEOUT = Duration.ofMinutes(1);
  private static final String CA = "ca";
  private static final String SERVER = "server";

  /**
   * How long certificates last and when they are renewed.
   *
   * @param ca the CA's lifetime
   * @param server the server certificate's lifetime (browsers' limit of 397 days by default)
   * @param renewBefore a certificate that ends sooner than this is made again at start
   */
  public record Validity(Duration ca, Duration server, Duration renewBefore) {
    public static final Validity DEFAULT =
        new Validity(Duration.ofDays(3650), Duration.ofDays(397), Duration.ofDays(30));

    public Validity {
      if (renewBefore.compareTo(server) >= 0 || server.compareTo(ca) > 0) {
        throw new IllegalArgumentException(
            "renewal must come before a server certificate's end, and that before the CA's");
      }
    }
  }

  /** What a start found and did, for its log line. */
  public enum Outcome {
    KEPT,
    CREATED,
    RENEWED_SERVER,
    RENEWED_ALL
  }

  private final Path directory;
  private final String storePassword;
  private final Validity validity;
  private final Clock clock;

  public Certificates(Path directory, String storePassword, Validity validity, Clock clock) {
    this.directory = directory;
    this.storePassword = storePassword;
    this.validity = validity;
    this.clock = clock;
  }

  /** The store with the CA's certificate alone, for clients (and the broker's own client side). */
  public Path truststore() {
    return directory.resolve("truststore.p12");
  }

  /** The server's key and its chain: the broker's and the registry's key store. */
  public Path serverKeystore() {
    return directory.resolve("server.p12");
  }

  /** The CA's certificate, PEM, for tools that take no key store (curl, openssl). */
  public Path caPem() {
    return directory.resolve("ca.pem");
  }

  private Path caKeystore() {
    return directory.resolve("ca.p12");
  }

  /** Makes the stores if missing, or again if close to their end; see the class comment. */
  public Outcome ensure() throws IOException, InterruptedException {
    Files.createDirectories(directory);
    Instant renewAt = clock.instant().plus(validity.renewBefore());
    if (!Files.isRegularFile(caKeystore()) || !Files.isRegularFile(truststore())) {
      createCa();
      createServer();
      return logged(Outcome.CREATED);
    }
    if (notAfter(caKeystore(), CA).isBefore(renewAt.plus(validity.server()))) {
      // A server certificate signed now must not outlive its CA.
      createCa();
      createServer();
      return logged(Outcome.RENEWED_ALL);
    }
    if (!Files.isRegularFile(serverKeystore()) || notAfter(serverKeystore(), SERVER).isBefore(renewAt)) {
      createServer();
      return logged(Outcome.RENEWED_SERVER);
    }
    return logged(Outcome.KEPT);
  }

  /** When the server certificate ends. */
  public Instant serverNotAfter() {
    return notAfter(serverKeystore(), SERVER);
  }

  private Outcome logged(Outcome outcome) throws IOException {
    // keytool creates stores with the umask's mode; the two with private keys are the owner's alone.
    OwnerOnly.createFile(caKeystore());
    OwnerOnly.createFile(serverKeystore());
    Instant end = serverNotAfter();
    switch (outcome) {
      case KEPT -> LOG.info("TLS: the server certificate in {} is valid until {}", serverKeystore(), end);
      case CREATED -> LOG.info("TLS: created a CA and a server certificate valid until {} in {}", end, directory);
      case RENEWED_SERVER ->
          LOG.info("TLS: the server certificate was close to its end and was renewed; valid until {}", end);
      case RENEWED_ALL ->
          LOG.warn(
              "TLS: the CA was close to its end and was made again, with a new server certificate valid"
                  + " until {}; clients that copied {} must copy it again",
              end,
              truststore());
    }
    return outcome;
  }

  private void createCa() throws IOException, InterruptedException {
    Files.deleteIfExists(caKeystore());
    Files.deleteIfExists(truststore());
    keytool(
        "-genkeypair", "-alias", CA, "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=hashstream local CA", "-ext", "bc:c", "-ext", "KU=keyCertSign,cRLSign",
        "-validity", days(validity.ca()), "-keystore", caKeystore().toString());
    keytool("-exportcert", "-rfc", "-alias", CA, "-keystore", caKeystore().toString(), "-file", caPem().toString());
    keytool("-importcert", "-noprompt", "-alias", CA, "-file", caPem().toString(), "-keystore", truststore().toString());
  }

  private void createServer() throws IOException, InterruptedException {
    Path next = directory.resolve("server.p12.new");
    Path request = directory.resolve("server.csr");
    Path signed = directory.resolve("server.pem");
    Files.deleteIfExists(next);
    try {
      keytool(
          "-genkeypair", "-alias", SERVER, "-keyalg", "EC", "-groupname", "secp256r1",
          "-dname", "CN=127.0.0.1", "-validity", days(validity.server()), "-keystore", next.toString());
      keytool("-certreq", "-alias", SERVER, "-keystore", next.toString(), "-file", request.toString());
      keytool(
          "-gencert", "-rfc", "-alias", CA, "-keystore", caKeystore().toString(),
          "-infile", request.toString(), "-outfile", signed.toString(), "-validity", days(validity.server()),
          "-ext", "SAN=IP:127.0.0.1,DNS:localhost", "-ext", "KU=digitalSignature",
          "-ext", "EKU=serverAuth,clientAuth");
      keytool("-importcert", "-noprompt", "-alias", CA, "-file", caPem().toString(), "-keystore", next.toString());
      keytool("-importcert", "-noprompt", "-alias", SERVER, "-file", signed.toString(), "-keystore", next.toString());
      // The services read the store at their start; a renewal half done leaves the old one whole.
      Files.move(next, serverKeystore(), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(next);
      Files.deleteIfExists(request);
      Files.deleteIfExists(signed);
    }
  }

  private Instant notAfter(Path store, String alias) {
    try (InputStream in = Files.newInputStream(store)) {
      KeyStore keyStore = KeyStore.getInstance("PKCS12");
      keyStore.load(in, storePassword.toCharArray());
      Certificate certificate = keyStore.getCertificate(alias);
      if (!(certificate instanceof X509Certificate x509)) {
        throw new LocalRuntimeException(store + " has no certificate " + alias + "; remove " + directory + " to make new ones");
      }
      return x509.getNotAfter().toInstant();
    } catch (IOException | GeneralSecurityException e) {
      // A store that is not PKCS12, or not with this password, fails load() with an IOException.
      throw new LocalRuntimeException(
          store + " cannot be read (" + e.getMessage() + "); remove " + directory + " to make new certificates", e);
    }
  }

  private static String days(Duration duration) {
    return Long.toString(Math.max(1, duration.toDays()));
  }

  private void keytool(String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(arguments));
    command.addAll(List.of("-storetype", "PKCS12", "-storepass:env", "HASHSTREAM_STORE_PASSWORD"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    // On the environment, not the command line: other users can read a process's arguments.
    builder.environment().put("HASHSTREAM_STORE_PASSWORD", storePassword);
    Process process = builder.start();
    process.getOutputStream().close();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(KEYTOOL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new LocalRuntimeException("keytool " + arguments[0] + " did not finish within " + KEYTOOL_TIMEOUT);
    }
    if (process.exitValue() != 0) {
      throw new LocalRuntimeException(
          "keytool " + arguments[0] + " failed: " + new String(output, StandardCharsets.UTF_8).strip());
    }
  }
}
