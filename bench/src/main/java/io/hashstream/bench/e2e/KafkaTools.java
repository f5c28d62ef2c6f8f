package io.hashstream.bench.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Topics and consumer groups, through an {@link Admin} client. */
final class KafkaTools {
  private KafkaTools() {}

  static Admin admin(String bootstrap) {
    return Admin.create(
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
  }

  /**
   * {@code topics BOOTSTRAP PARTITIONS EVENTS_TOPIC [HASHES_TOPIC]}: creates the run's topics as the
   * producer and the consumer would (events: delete after 7 days; hashes: compacted, tombstones
   * kept a day), so that consumers and readers can be ready before the producer starts.
   */
  static void createTopics(String[] args) throws Exception {
    String bootstrap = E2e.arg(args, 0, "BOOTSTRAP");
    int partitions = E2e.intArg(args, 1, "PARTITIONS");
    List<NewTopic> topics = new ArrayList<>();
    topics.add(
        new NewTopic(E2e.arg(args, 2, "EVENTS_TOPIC"), Optional.of(partitions), Optional.empty())
            .configs(
                Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                    TopicConfig.RETENTION_MS_CONFIG, Long.toString(Duration.ofDays(7).toMillis()))));
    if (args.length > 3) {
      topics.add(
          new NewTopic(args[3], Optional.of(partitions), Optional.empty())
              .configs(
                  Map.of(
                      TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                      TopicConfig.DELETE_RETENTION_MS_CONFIG, Long.toString(Duration.ofDays(1).toMillis()))));
    }
    try (Admin admin = admin(bootstrap)) {
      for (NewTopic topic : topics) {
        try {
          admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
      // Wait until every partition has a leader, so the first send does not wait for metadata.
      List<String> names = topics.stream().map(NewTopic::name).toList();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (true) {
        Map<String, TopicDescription> described;
        try {
          described = admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
            throw e;
          }
          described = Map.of(); // created, not known to the metadata yet
        }
        boolean ready =
            described.size() == names.size()
                && described.values().stream()
                    .allMatch(
                        d -> d.partitions().size() == partitions
                            && d.partitions().stream().allMatch(p -> p.leader() != null));
        if (ready) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("topics " + names + " have no leaders after 30 s");
        }
        Thread.sleep(100);
      }
    }
  }

  /** {@code end-offsets BOOTSTRAP TOPIC}: the sum of the topic's end offsets (0 if it is missing). */
  static void endOffsets(String[] args) throws Exception {
    String topic = E2e.arg(args, 1, "TOPIC");
    try (Admin admin = admin(E2e.arg(args, 0, "BOOTSTRAP"))) {
      E2e.emit("end_offsets", sum(admin, topic));
    }
  }

  static long sum(Admin admin, String topic) throws Exception {
    Map<String, TopicDescription> described;
    try {
      described = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return 0;
    }
    TopicDescription description = described.get(topic);
    if (description == null) {
      return 0;
    }
    Map<TopicPartition, OffsetSpec> request = new java.util.HashMap<>();
    description.partitions().forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> offsets =
        admin.listOffsets(request).all().get(30, TimeUnit.SECONDS);
    return offsets.values().stream().mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
  }

  /**
   * {@code await-group BOOTSTRAP GROUP MEMBERS PARTITIONS TIMEOUT_SECONDS}: waits until the group is
   * stable with that many members sharing that many partitions.
   */
  static void awaitGroup(String[] args) throws Exception {
    String group = E2e.arg(args, 1, "GROUP");
    int members = E2e.intArg(args, 2, "MEMBERS");
    int partitions = E2e.intArg(args, 3, "PARTITIONS");
    long timeout = E2e.longArg(args, 4, "TIMEOUT_SECONDS");
    long started = System.nanoTime();
    try (Admin admin = admin(E2e.arg(args, 0, "BOOTSTRAP"))) {
      while (true) {
        ConsumerGroupDescription description;
        try {
          description =
              Objects.requireNonNull(admin.describeConsumerGroups(List.of(group)).describedGroups().get(group), group)
                  .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof GroupIdNotFoundException)
              || System.nanoTime() - started > TimeUnit.SECONDS.toNanos(timeout)) {
            throw e;
          }
          Thread.sleep(200); // no member has joined yet
          continue;
        }
        int assigned = 0;
        for (MemberDescription member : description.members()) {
          assigned += member.assignment().topicPartitions().size();
        }
        if (description.groupState() == GroupState.STABLE
            && description.members().size() == members
            && assigned == partitions) {
          E2e.emit("group_ready_seconds", Trees.seconds(started));
          return;
        }
        if (System.nanoTime() - started > TimeUnit.SECONDS.toNanos(timeout)) {
          throw new IllegalStateException(
              "group " + group + " not ready after " + timeout + " s: " + description.groupState()
                  + ", " + description.members().size() + " member(s), " + assigned + " partition(s)");
        }
        Thread.sleep(200);
      }
    }
  }
}
