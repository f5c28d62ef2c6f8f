package io.hashstream.runtime.internal;

import io.hashstream.runtime.LocalRuntimeException;
import io.hashstream.runtime.Principal;
import io.hashstream.runtime.RuntimeSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What makes a local runtime secured ({@code --secure}): its secrets and certificates in {@code
 * <data>/secure} (owner-only), the broker's listeners and authorizer, the registry's users and roles,
 * and a client properties file per {@link Principal}.
 *
 * <p>Clients reach the broker on one {@code SASL_SSL} listener (TLS 1.3, SCRAM-SHA-512); the
 * controller listens apart, on {@code SASL_PLAINTEXT} with PLAIN for its one user, which is a
 * super user like the admin. No ACL means no access.
 */
public final class Security {
  private static final Logger LOG = LoggerFactory.getLogger(Security.class);
  static final String MECHANISM = "SCRAM-SHA-512";
  private static final int SCRAM_ITERATIONS = 8192;

  private final RuntimeSettings settings;
  private final Path directory;
  private final Passwords passwords;
  private final Certificates certificates;

  private Security(RuntimeSettings settings, Path directory, Passwords passwords, Certificates certificates) {
    this.settings = settings;
    this.directory = directory;
    this.passwords = passwords;
    this.certificates = certificates;
  }

  /** Where a data directory keeps what makes it secured; its presence says that it is. */
  public static Path directoryOf(DataDirectory data) {
    return data.root().resolve("secure");
  }

  /**
   * Loads or makes the secrets and certificates of {@code data}, renewing certificates close to
   * their end, and writes the client properties files.
   */
  public static Security prepare(RuntimeSettings settings, DataDirectory data)
      throws IOException, InterruptedException {
    Path directory = directoryOf(data);
    OwnerOnly.createDirectory(directory);
    Passwords passwords = Passwords.loadOrCreate(directory.resolve("passwords.properties"));
    Certificates certificates =
        new Certificates(directory, passwords.stores(), Certificates.Validity.DEFAULT, Clock.systemUTC());
    certificates.ensure();
    Security security = new Security(settings, directory, passwords, certificates);
    for (Principal principal : Principal.values()) {
      OwnerOnly.write(security.clientPropertiesFile(principal), security.clientPropertiesText(principal));
    }
    return security;
  }

  public Certificates certificates() {
    return certificates;
  }

  public Path clientPropertiesFile(Principal principal) {
    return directory.resolve(principal.userName() + ".properties");
  }

  /** Every Kafka and registry setting {@code principal} needs to reach this runtime. */
  public Map<String, String> clientProperties(Principal principal) {
    Map<String, String> properties = kafkaClientProperties(principal);
    properties.put("schema.registry.url", settings.schemaRegistryUrl());
    properties.put("basic.auth.credentials.source", "USER_INFO");
    properties.put("basic.auth.user.info", principal.userName() + ":" + passwords.of(principal));
    properties.put("schema.registry.ssl.truststore.type", "PKCS12");
    properties.put("schema.registry.ssl.truststore.location", certificates.truststore().toString());
    properties.put("schema.registry.ssl.truststore.password", passwords.stores());
    return properties;
  }

  /** The Kafka settings alone of {@link #clientProperties}, for Admin clients, which take no registry's. */
  public Map<String, String> kafkaClientProperties(Principal principal) {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("bootstrap.servers", settings.bootstrapServers());
    properties.put("security.protocol", "SASL_SSL");
    properties.put("sasl.mechanism", MECHANISM);
    properties.put("sasl.jaas.config", scramLogin(principal.userName(), passwords.of(principal)));
    properties.put("ssl.truststore.type", "PKCS12");
    properties.put("ssl.truststore.location", certificates.truststore().toString());
    properties.put("ssl.truststore.password", passwords.stores());
    return properties;
  }

  private String clientPropertiesText(Principal principal) {
    StringBuilder text =
        new StringBuilder()
            .append("# ")
            .append(principal.kafkaPrincipal())
            .append(" of the secured local runtime in ")
            .append(settings.dataDirectory())
            .append(": pass this file with --client-config.\n")
            .append("# Written at every start of the runtime; change passwords in passwords.properties.\n");
    clientProperties(principal).forEach((key, value) -> text.append(key).append('=').append(escape(value)).append('\n'));
    return text.toString();
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\");
  }

  private static String scramLogin(String user, String password) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + user
        + "\" password=\""
        + password
        + "\";";
  }

  /** The broker's listeners, TLS, SASL and authorizer, in place of the plain runtime's listeners. */
  String brokerProperties() {
    String broker = "127.0.0.1:" + settings.kafkaPort();
    String controller = "127.0.0.1:" + settings.controllerPort();
    String stores = passwords.stores();
    return """
        listeners=SASL_SSL://%1$s,CONTROLLER://%2$s
        advertised.listeners=SASL_SSL://%1$s
        inter.broker.listener.name=SASL_SSL
        controller.listener.names=CONTROLLER
        listener.security.protocol.map=CONTROLLER:SASL_PLAINTEXT,SASL_SSL:SASL_SSL
        sasl.enabled.mechanisms=%3$s
        sasl.mechanism.inter.broker.protocol=%3$s
        listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=%4$s
        sasl.mechanism.controller.protocol=PLAIN
        listener.name.controller.sasl.enabled.mechanisms=PLAIN
        listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="controller" password="%5$s" user_controller="%5$s";
        ssl.protocol=TLSv1.3
        ssl.enabled.protocols=TLSv1.3
        ssl.keystore.type=PKCS12
        ssl.keystore.location=%6$s
        ssl.keystore.password=%7$s
        ssl.key.password=%7$s
        ssl.truststore.type=PKCS12
        ssl.truststore.location=%8$s
        ssl.truststore.password=%7$s
        authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
        allow.everyone.if.no.acl.found=false
        super.users=User:admin;User:controller
        """
        .formatted(
            broker,
            controller,
            MECHANISM,
            scramLogin(Principal.ADMIN.userName(), passwords.of(Principal.ADMIN)),
            passwords.controller(),
            certificates.serverKeystore(),
            stores,
            certificates.truststore());
  }

  /** The storage format's {@code --add-scram} arguments: every user exists from the first start. */
  List<String> formatArguments() {
    List<String> arguments = new ArrayList<>();
    for (Principal principal : Principal.values()) {
      arguments.add("--add-scram");
      arguments.add(MECHANISM + "=[name=" + principal.userName() + ",password=" + passwords.of(principal) + "]");
    }
    return arguments;
  }

  /**
   * Sets every user's SCRAM credential from the passwords file, so that a password changed there
   * holds from this start on. The admin's is left: the broker itself logs in with it.
   */
  public void upsertUsers(Admin admin) throws InterruptedException {
    List<UserScramCredentialAlteration> alterations = new ArrayList<>();
    for (Principal principal : Principal.values()) {
      if (principal != Principal.ADMIN) {
        alterations.add(
            new UserScramCredentialUpsertion(
                principal.userName(),
                new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS),
                passwords.of(principal)));
      }
    }
    try {
      admin.alterUserScramCredentials(alterations).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new LocalRuntimeException("the broker did not take the users' passwords: " + e.getMessage(), e);
    }
    LOG.debug("SCRAM credentials set for {} users", alterations.size());
  }

  /** The registry's HTTPS, users and roles, as Quarkus reads them from {@code config/application.properties}. */
  String registryProperties() {
    StringBuilder text =
        new StringBuilder(
            """
            # Written by hashstream on every start of the secured runtime; edits are overwritten.
            quarkus.http.ssl-port=%d
            quarkus.http.insecure-requests=disabled
            quarkus.http.ssl.protocols=TLSv1.3
            quarkus.http.ssl.certificate.key-store-file=%s
            quarkus.http.ssl.certificate.key-store-file-type=PKCS12
            quarkus.http.ssl.certificate.key-store-password=%s
            quarkus.http.auth.basic=true
            quarkus.security.users.embedded.enabled=true
            quarkus.security.users.embedded.plain-text=true
            apicurio.auth.enabled=true
            apicurio.auth.role-based-authorization=true
            apicurio.auth.role-source=token
            apicurio.auth.anonymous-read-access.enabled=false
            """
                .formatted(settings.registryPort(), certificates.serverKeystore(), passwords.stores()));
    for (Principal principal : Principal.values()) {
      text.append("quarkus.security.users.embedded.users.")
          .append(principal.userName())
          .append('=')
          .append(passwords.of(principal))
          .append('\n')
          .append("quarkus.security.users.embedded.roles.")
          .append(principal.userName())
          .append('=')
          .append(principal.registryRole())
          .append('\n');
    }
    return text.toString();
  }

  /** {@code user:password} of the admin, for the runtime's own readiness probe of the registry. */
  String adminUserInfo() {
    return Principal.ADMIN.userName() + ":" + passwords.of(Principal.ADMIN);
  }

  /** A TLS context that trusts this runtime's CA alone. */
  SSLContext sslContext() {
    try (InputStream in = Files.newInputStream(certificates.truststore())) {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(in, passwords.stores().toCharArray());
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trust);
      SSLContext context = SSLContext.getInstance("TLSv1.3");
      context.init(null, factory.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new LocalRuntimeException("the trust store " + certificates.truststore() + " cannot be read: " + e.getMessage(), e);
    }
  }

  /** Every principal's properties file, for the lines printed at start. */
  public Map<Principal, Path> clientPropertiesFiles() {
    Map<Principal, Path> files = new EnumMap<>(Principal.class);
    for (Principal principal : Principal.values()) {
      files.put(principal, clientPropertiesFile(principal));
    }
    return files;
  }
}
