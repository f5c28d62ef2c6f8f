package io.hashstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hashstream.runtime.LocalRuntime;
import io.hashstream.runtime.Principal;
import io.hashstream.runtime.internal.Certificates;
import io.hashstream.schemas.Topics;
import io.hashstream.testsupport.TestRuntimes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A secured cluster's refusals, as a user meets them from the command line: each is one line on
 * stderr that says whom to grant what, or what to fix in --client-config, and the command exits.
 * Against one secured local runtime with the ACLs {@code local --secure} grants; no command here
 * names the broker or the registry, so each also proves that --client-config alone is enough.
 */
@Tag("local-runtime")
class SecuredRefusalsIT {
  private static final Duration EXIT = Duration.ofMinutes(2);

  @TempDir static Path work;
  private static LocalRuntime runtime;

  @BeforeAll
  static void startSecuredRuntime() throws Exception {
    runtime = LocalRuntime.start(TestRuntimes.settings(work.resolve("runtime")).withSecure(true));
    SecuredRuntime.grant(runtime, "hashstream-consumer");
  }

  @AfterAll
  static void stop() {
    if (runtime != null) {
      runtime.close();
    }
  }

  @Test
  void theRuntimesOwnUsersReadWhatTheyMay() throws Exception {
    int status;
    try (LauncherProcess tail = launch("tail", "--latest", "--client-config", config(Principal.READER).toString())) {
      status = tail.awaitExit(EXIT);
      assertThat(status).as(tail.stderr()).isZero();
    }
  }

  @Test
  void aWrongPasswordIsOneLine() throws Exception {
    Path wrong = changed(Principal.READER, "sasl.jaas.config", value -> value.replaceAll("password=\"[^\"]*\"", "password=\"wrong\""));
    assertThat(refusal("tail", "--latest", "--client-config", wrong.toString()))
        .startsWith(
            "hashstream: Kafka refused the login of User:reader: the user name or password in --client-config is wrong (");
  }

  @Test
  void aMissingAclNamesThePrincipalTheOperationAndTheResource() throws Exception {
    assertThat(refusal("tail", "--latest", "--hashes-topic", Topics.EVENTS, "--client-config", config(Principal.READER).toString()))
        .isEqualTo("hashstream: User:reader may not Read Topic:hashstream.events: grant it (see 'hashstream acls')");
  }

  @Test
  void aConsumerWithoutWriteOnTheHashTableStopsWithOneLine() throws Exception {
    Path tree = Files.createDirectories(work.resolve("tree"));
    Files.writeString(tree.resolve("file.txt"), "content");
    try (LauncherProcess producer =
        launch("producer", "--root", "t=" + tree, "--client-config", config(Principal.PRODUCER).toString())) {
      await()
          .atMost(Duration.ofMinutes(2))
          .failFast("the producer exited", () -> !producer.process().isAlive())
          .until(() -> producer.stderr().contains("initial scan done"));
      AclBinding write =
          new AclBinding(
              new ResourcePattern(ResourceType.TOPIC, Topics.HASHES, PatternType.LITERAL),
              new AccessControlEntry(Principal.CONSUMER.kafkaPrincipal(), "*", AclOperation.WRITE, AclPermissionType.ALLOW));
      try (Admin admin = admin()) {
        admin.deleteAcls(List.of(write.toFilter())).all().get(30, TimeUnit.SECONDS);
        try {
          assertThat(refusal("consumer", "--root", "t=" + tree, "--client-config", config(Principal.CONSUMER).toString()))
              .isEqualTo(
                  "hashstream: User:consumer may not Write to Topic:hashstream.hashes: grant it (see 'hashstream acls')");
        } finally {
          admin.createAcls(List.of(write)).all().get(30, TimeUnit.SECONDS);
        }
      }
    }
  }

  @Test
  void aCertificateTheClientDoesNotTrustIsOneLine() throws Exception {
    Path elsewhere = work.resolve("other-ca");
    new Certificates(elsewhere, "other-password", Certificates.Validity.DEFAULT, Clock.systemUTC()).ensure();
    Path untrusting =
        changed(
            Principal.READER,
            Map.of(
                "ssl.truststore.location", elsewhere.resolve("truststore.p12").toString(),
                "ssl.truststore.password", "other-password"));
    assertThat(refusal("tail", "--latest", "--client-config", untrusting.toString()))
        .startsWith("hashstream: the TLS handshake with Kafka failed (")
        .endsWith("); does ssl.truststore.location in --client-config hold the CA that signed the broker's certificate?");
  }

  @Test
  void aPlaintextClientAtTheTlsPortIsToldSoAtOnce() throws Exception {
    assertThat(refusal("tail", "--latest", "--bootstrap-servers", runtime.bootstrapServers()))
        .isEqualTo(
            "hashstream: the broker at "
                + runtime.bootstrapServers()
                + " speaks TLS, but this client's security.protocol is PLAINTEXT: set security.protocol=SSL or"
                + " SASL_SSL and a trust store in --client-config ('hashstream local --secure' prints one per user)");
  }

  @Test
  void theRegistrysRefusalsSayWhatToFix() throws Exception {
    Path tree = Files.createDirectories(work.resolve("registry-tree"));
    Files.writeString(tree.resolve("file.txt"), "content");
    Path noUser = changed(Principal.PRODUCER, "basic.auth.user.info", value -> "producer:wrong");
    assertThat(refusal("producer", "--root", "t=" + tree, "--state-dir", work.resolve("s401").toString(), "--client-config", noUser.toString()))
        .contains("(HTTP 401")
        .contains("basic.auth.user.info=USER:PASSWORD in --client-config");
    String readerPassword = java.util.Objects.requireNonNull(runtime.clientProperties(Principal.READER).get("basic.auth.user.info"));
    Path readOnly = changed(Principal.PRODUCER, "basic.auth.user.info", value -> readerPassword);
    assertThat(refusal("producer", "--root", "t=" + tree, "--state-dir", work.resolve("s403").toString(), "--client-config", readOnly.toString()))
        .contains("(HTTP 403")
        .contains("sr-developer registers schemas");
  }

  @Test
  void aclsAreAppliedByAnAdminAndRefusedToOthers() throws Exception {
    try (LauncherProcess apply = launch("acls", "--apply", "--client-config", config(Principal.ADMIN).toString())) {
      assertThat(apply.awaitExit(EXIT)).as(apply.stderr()).isZero();
      assertThat(apply.stdout()).containsExactly("created or kept 17 ACLs on " + runtime.bootstrapServers());
    }
    assertThat(refusal("acls", "--apply", "--client-config", config(Principal.READER).toString()))
        .startsWith("hashstream: the ACLs were not created: User:reader was refused on the Cluster (");
  }

  /** Runs the command to its exit, expects status 1 or 2, and returns the last line of its stderr. */
  private String refusal(String... args) throws Exception {
    try (LauncherProcess process = launch(args)) {
      int status = process.awaitExit(EXIT);
      String stderr = process.stderr();
      assertThat(status).as(stderr).isIn(1, 2);
      List<String> lines = stderr.strip().lines().toList();
      return lines.getLast();
    }
  }

  private LauncherProcess launch(String... args) throws Exception {
    return LauncherProcess.start(work.resolve("launches"), args);
  }

  private Path config(Principal principal) {
    return runtime.clientPropertiesFile(principal);
  }

  private Path changed(Principal principal, String key, java.util.function.UnaryOperator<String> change) throws Exception {
    String value = runtime.clientProperties(principal).get(key);
    return changed(principal, Map.of(key, change.apply(value == null ? "" : value)));
  }

  private Path changed(Principal principal, Map<String, String> changes) throws Exception {
    Properties properties = new Properties();
    properties.putAll(runtime.clientProperties(principal));
    properties.putAll(changes);
    Path file = Files.createTempFile(work, principal.userName(), ".properties");
    try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      properties.store(out, null);
    }
    return file;
  }

  private Admin admin() {
    return Admin.create(new HashMap<String, Object>(runtime.kafkaClientProperties(Principal.ADMIN)));
  }
}
