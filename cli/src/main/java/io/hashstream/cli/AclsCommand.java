package io.hashstream.cli;

import io.hashstream.consumer.ConsumerSettings;
import io.hashstream.schemas.Topics;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import io.hashstream.schemas.security.Refusals;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hashstream acls}: the least ACLs of a deployment, printed, and created with --apply. */
@Command(
    name = "acls",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the ACLs that hashstream's producer, its consumer group and a downstream reader need"
          + " on a cluster with an authorizer, as a list with the reason for each and as"
          + " kafka-acls.sh command lines. With --apply, creates them through the Admin API as the"
          + " principal of --client-config (which needs Alter on the cluster)."
    })
final class AclsCommand implements Callable<Integer>, UsesCluster {
  @Mixin private ClusterOptions cluster = new ClusterOptions();

  @Option(names = "--events-topic", paramLabel = "TOPIC", defaultValue = Topics.EVENTS,
      description = "The events topic (default: ${DEFAULT-VALUE}).")
  private String eventsTopic = Topics.EVENTS;

  @Option(names = "--hashes-topic", paramLabel = "TOPIC", defaultValue = Topics.HASHES,
      description = "The hash topic (default: ${DEFAULT-VALUE}).")
  private String hashesTopic = Topics.HASHES;

  @Option(names = "--group", paramLabel = "GROUP", defaultValue = ConsumerSettings.DEFAULT_GROUP,
      description = "The consumer group (default: ${DEFAULT-VALUE}).")
  private String group = ConsumerSettings.DEFAULT_GROUP;

  @Option(names = "--producer-principal", paramLabel = "TYPE:NAME", defaultValue = "User:producer",
      description = "The producer's principal (default: ${DEFAULT-VALUE}).")
  private String producer = "User:producer";

  @Option(names = "--consumer-principal", paramLabel = "TYPE:NAME", defaultValue = "User:consumer",
      description = "The consumer group's principal (default: ${DEFAULT-VALUE}).")
  private String consumer = "User:consumer";

  @Option(names = "--reader-principal", paramLabel = "TYPE:NAME", defaultValue = "User:reader",
      description = "A downstream reader's principal, for tail and verify (default: ${DEFAULT-VALUE}).")
  private String reader = "User:reader";

  @Option(names = "--apply", description = "Create the ACLs (existing ones are kept) instead of only printing them.")
  private boolean apply;

  @Spec private @Nullable CommandSpec spec;

  @Override
  public ClusterOptions cluster() {
    return cluster;
  }

  /** Creating ACLs takes Alter on the cluster. */
  @Override
  public String operation() {
    return "Alter";
  }

  @Override
  public Integer call() throws InterruptedException {
    for (String principal : List.of(producer, consumer, reader)) {
      if (principal.indexOf(':') <= 0 || principal.endsWith(":")) {
        throw new UserErrors.UsageException("a principal is TYPE:NAME, such as User:alice, not '" + principal + "'");
      }
    }
    AccessPlan plan = new AccessPlan(eventsTopic, hashesTopic, group, producer, consumer, reader);
    PrintWriter out = out();
    if (apply) {
      cluster.requireMatchingListener();
      int created = applyTo(cluster, plan);
      out.println("created or kept " + created + " ACLs on " + cluster.bootstrapServers());
    } else {
      print(plan, cluster.bootstrapServers(), out);
    }
    out.flush();
    return 0;
  }

  static void print(AccessPlan plan, String bootstrapServers, PrintWriter out) {
    out.println("# The ACLs of hashstream's producer, consumer group and readers (all ALLOW, any host):");
    for (AccessPlan.Grant grant : plan.grants()) {
      out.println(
          String.format(
              Locale.ROOT,
              "%-16s %-16s %-12s %s:%s  (%s)",
              grant.principal(),
              AccessPlan.operationName(grant.operation()),
              grant.resource().patternType().name().toLowerCase(Locale.ROOT),
              AccessPlan.resourceTypeName(grant.resource().resourceType()),
              grant.resource().name(),
              grant.why()));
    }
    out.println("# The same as kafka-acls.sh commands (admin.properties: an admin's client configuration):");
    for (AccessPlan.Grant grant : plan.grants()) {
      out.println(grant.kafkaAclsLine(bootstrapServers));
    }
  }

  /** Creates the plan's ACLs as the principal of {@code cluster}'s client configuration. */
  static int applyTo(ClusterOptions cluster, AccessPlan plan) throws InterruptedException {
    Map<String, Object> config = new HashMap<>(cluster.clientProperties());
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    return applyTo(config, plan);
  }

  static int applyTo(Map<String, Object> adminConfig, AccessPlan plan) throws InterruptedException {
    Map<String, Object> config = kafkaOnly(adminConfig);
    config.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    try (Admin admin = Admin.create(config)) {
      var bindings = plan.bindings();
      admin.createAcls(bindings).all().get(40, TimeUnit.SECONDS);
      return bindings.size();
    } catch (ExecutionException e) {
      throw new UserErrors.FailedException("the ACLs were not created: " + describe(e, adminConfig), e);
    } catch (TimeoutException | KafkaException e) {
      throw new UserErrors.FailedException("the ACLs were not created: " + describe(e, adminConfig), e);
    }
  }

  /** A client configuration without the registry's settings, which an Admin client does not take. */
  static Map<String, Object> kafkaOnly(Map<String, ?> clientProperties) {
    Map<String, Object> kafka = new HashMap<>(clientProperties);
    kafka.keySet().removeIf(key -> key.startsWith("schema.registry.") || key.startsWith("basic.auth."));
    return kafka;
  }

  private static String describe(Exception failure, Map<String, Object> adminConfig) {
    Throwable cause = failure instanceof ExecutionException && failure.getCause() != null ? failure.getCause() : failure;
    if (cause instanceof SecurityDisabledException) {
      return "the cluster has no authorizer (authorizer.class.name is not set), so it enforces no ACLs";
    }
    if (cause instanceof TimeoutException) {
      return "Kafka did not answer within 40 s";
    }
    String refused = Refusals.line(cause, Refusals.principalOf(adminConfig), "Alter", null);
    return refused != null ? refused : String.valueOf(cause.getMessage());
  }

  private PrintWriter out() {
    CommandSpec current = spec;
    if (current == null) {
      throw new IllegalStateException("picocli injects the spec before call()");
    }
    return current.commandLine().getOut();
  }
}
