package io.hashstream.cli;

import io.hashstream.consumer.ConsumerSettings;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The least ACLs a hashstream deployment needs on a cluster with an authorizer: what its producer,
 * its consumer group and a downstream reader of the hash table do, derived from their code and
 * proven by running them under exactly these (SecuredPipelineIT). Read and Write imply Describe.
 *
 * <p>The producer and the consumer may Create their own topics, by literal name, so that each
 * topic gets the settings its writer knows (the events topic's retention, the hash table's
 * compaction); nothing else is created and nothing is altered.
 *
 * @param eventsTopic the producer's output and the group's input
 * @param hashesTopic the hash table
 * @param group the consumer group; its transactional ids share a prefix derived from it
 * @param producer the producer's principal, {@code User:<name>}
 * @param consumer the consumer group's principal
 * @param reader a downstream reader's principal ({@code tail}, {@code verify})
 */
record AccessPlan(
    String eventsTopic, String hashesTopic, String group, String producer, String consumer, String reader) {

  /** One ACL, and why hashstream needs it. */
  record Grant(String principal, ResourcePattern resource, AclOperation operation, String why) {
    AclBinding binding() {
      return new AclBinding(
          resource, new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }

    /** The same ACL as a {@code kafka-acls.sh} command line. */
    String kafkaAclsLine(String bootstrapServers) {
      StringBuilder line =
          new StringBuilder("kafka-acls.sh --bootstrap-server ")
              .append(bootstrapServers)
              .append(" --command-config admin.properties --add --allow-principal ")
              .append(principal)
              .append(" --operation ")
              .append(operationName(operation));
      switch (resource.resourceType()) {
        case TOPIC -> line.append(" --topic ").append(resource.name());
        case GROUP -> line.append(" --group ").append(resource.name());
        case TRANSACTIONAL_ID -> line.append(" --transactional-id ").append(resource.name());
        default -> throw new IllegalStateException("hashstream grants no " + resource.resourceType());
      }
      if (resource.patternType() == PatternType.PREFIXED) {
        line.append(" --resource-pattern-type prefixed");
      }
      return line.toString();
    }
  }

  List<Grant> grants() {
    String deadLetters = ConsumerSettings.deadLetterTopicOf(eventsTopic);
    String cursors = ConsumerSettings.verifyCursorsTopicOf(hashesTopic);
    List<Grant> grants = new ArrayList<>();
    grants.add(new Grant(producer, topic(eventsTopic), AclOperation.CREATE, "creates the events topic, with its retention, if missing"));
    grants.add(new Grant(producer, topic(eventsTopic), AclOperation.WRITE, "publishes events (idempotent)"));
    grants.add(new Grant(producer, topic(eventsTopic), AclOperation.READ, "reads back the events still in flight at start"));
    grants.add(new Grant(producer, topic(hashesTopic), AclOperation.READ, "loads the hash table at start, without a group"));
    grants.add(new Grant(consumer, topic(eventsTopic), AclOperation.READ, "consumes events"));
    grants.add(new Grant(consumer, group(group), AclOperation.READ, "joins its group and commits offsets in its transactions"));
    grants.add(
        new Grant(
            consumer,
            new ResourcePattern(ResourceType.TRANSACTIONAL_ID, ConsumerSettings.transactionalIdPrefix(group), PatternType.PREFIXED),
            AclOperation.WRITE,
            "one transactional id per instance, all with this prefix"));
    grants.add(new Grant(consumer, topic(hashesTopic), AclOperation.CREATE, "creates the hash table, compacted, if missing"));
    grants.add(new Grant(consumer, topic(hashesTopic), AclOperation.DESCRIBE_CONFIGS, "checks that the hash table is compacted"));
    grants.add(new Grant(consumer, topic(hashesTopic), AclOperation.WRITE, "writes results and tombstones in transactions"));
    grants.add(new Grant(consumer, topic(hashesTopic), AclOperation.READ, "continuous verification (--verify-rate) reads the table"));
    grants.add(new Grant(consumer, topic(deadLetters), AclOperation.CREATE, "creates the dead-letter topic if missing"));
    grants.add(new Grant(consumer, topic(deadLetters), AclOperation.WRITE, "writes dead letters"));
    grants.add(new Grant(consumer, topic(cursors), AclOperation.CREATE, "continuous verification keeps its cursors here"));
    grants.add(new Grant(consumer, topic(cursors), AclOperation.WRITE, "writes the verification cursors"));
    grants.add(new Grant(consumer, topic(cursors), AclOperation.READ, "reads the verification cursors at start"));
    grants.add(new Grant(reader, topic(hashesTopic), AclOperation.READ, "reads the hash table (tail, verify), without a group"));
    return grants;
  }

  List<AclBinding> bindings() {
    return grants().stream().map(Grant::binding).toList();
  }

  private static ResourcePattern topic(String name) {
    return new ResourcePattern(ResourceType.TOPIC, name, PatternType.LITERAL);
  }

  private static ResourcePattern group(String name) {
    return new ResourcePattern(ResourceType.GROUP, name, PatternType.LITERAL);
  }

  /** A resource type as Kafka prints it in ACLs: {@code Topic}, {@code Group}, {@code TransactionalId}. */
  static String resourceTypeName(ResourceType type) {
    return switch (type) {
      case TOPIC -> "Topic";
      case GROUP -> "Group";
      case TRANSACTIONAL_ID -> "TransactionalId";
      case CLUSTER -> "Cluster";
      case DELEGATION_TOKEN -> "DelegationToken";
      case USER -> "User";
      case ANY, UNKNOWN -> type.name();
    };
  }

  /** {@code DESCRIBE_CONFIGS} as {@code kafka-acls.sh} spells it: {@code DescribeConfigs}. */
  static String operationName(AclOperation operation) {
    StringBuilder name = new StringBuilder();
    for (String part : operation.name().split("_", -1)) {
      name.append(part.charAt(0)).append(part.substring(1).toLowerCase(java.util.Locale.ROOT));
    }
    return name.toString();
  }
}
