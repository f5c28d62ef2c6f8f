package io.hashstream.runtime.internal;

import io.hashstream.runtime.RuntimeSettings;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/** The local broker's configuration files, rendered from the runtime's settings. */
final class BrokerConfig {
  private BrokerConfig() {}

  static String serverProperties(RuntimeSettings settings, Path logDirectory, @Nullable Security security) {
    String own = ownProperties(settings, logDirectory, security);
    if (settings.brokerConfig().isEmpty()) {
      return own;
    }
    Properties given = new Properties();
    given.putAll(settings.brokerConfig());
    StringWriter out = new StringWriter().append(own).append("# Given by the user; a later line wins.\n");
    try {
      given.store(out, null);
    } catch (IOException e) {
      throw new UncheckedIOException("a StringWriter does not fail", e);
    }
    return out.toString();
  }

  /**
   * Where the broker keeps its logs and its metadata log: each needs formatting once. By default
   * {@code defaultLogDirectory}, unless the user's properties name others.
   */
  static List<Path> storageDirectories(RuntimeSettings settings, Path defaultLogDirectory) {
    List<Path> directories = new ArrayList<>();
    String logDirs = settings.brokerConfig().get("log.dirs");
    if (logDirs == null) {
      directories.add(defaultLogDirectory);
    } else {
      for (String dir : logDirs.split(",", -1)) {
        if (!dir.isBlank()) {
          directories.add(Path.of(dir.strip()));
        }
      }
    }
    String metadata = settings.brokerConfig().get("metadata.log.dir");
    if (metadata != null) {
      directories.add(Path.of(metadata.strip()));
    }
    return directories;
  }

  private static String ownProperties(RuntimeSettings settings, Path logDirectory, @Nullable Security security) {
    String broker = "127.0.0.1:" + settings.kafkaPort();
    String controller = "127.0.0.1:" + settings.controllerPort();
    String listeners =
        security != null
            ? security.brokerProperties()
            : """
                listeners=PLAINTEXT://%1$s,CONTROLLER://%2$s
                advertised.listeners=PLAINTEXT://%1$s
                inter.broker.listener.name=PLAINTEXT
                controller.listener.names=CONTROLLER
                listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
                """
                .formatted(broker, controller);
    return """
        # Written by hashstream on every start of the local runtime; edits are overwritten.
        process.roles=broker,controller
        node.id=1
        # A static voter set, so the controller's port may change between starts.
        controller.quorum.voters=1@%2$s
        %4$slog.dirs=%3$s
        num.partitions=1
        default.replication.factor=1
        min.insync.replicas=1
        # hashstream creates its topics with the settings they need; a typo must not make a topic.
        auto.create.topics.enable=false
        # One node: internal topics with one replica, and few partitions, so that the first
        # transactional or group request does not wait for 50 partitions to be created.
        offsets.topic.replication.factor=1
        offsets.topic.num.partitions=4
        transaction.state.log.replication.factor=1
        transaction.state.log.min.isr=1
        transaction.state.log.num.partitions=4
        share.coordinator.state.topic.replication.factor=1
        share.coordinator.state.topic.min.isr=1
        share.coordinator.state.topic.num.partitions=1
        group.initial.rebalance.delay.ms=0
        # Compaction on a laptop-sized broker: small segments are cleaned without waiting for GBs.
        log.cleaner.threads=1
        log.cleaner.dedupe.buffer.size=16777216
        """
        .formatted(broker, controller, logDirectory, listeners);
  }

  static String log4jProperties(Path logDirectory) {
    return """
        # Written by hashstream: the broker logs to files in its data directory, not to a terminal.
        status = warn
        appender.file.type = RollingFile
        appender.file.name = file
        appender.file.fileName = %1$s/server.log
        appender.file.filePattern = %1$s/server.log.%%i
        appender.file.layout.type = PatternLayout
        appender.file.layout.pattern = [%%d] %%p %%m (%%c)%%n
        appender.file.policies.type = Policies
        appender.file.policies.size.type = SizeBasedTriggeringPolicy
        appender.file.policies.size.size = 20MB
        appender.file.strategy.type = DefaultRolloverStrategy
        appender.file.strategy.max = 3
        rootLogger.level = INFO
        rootLogger.appenderRef.file.ref = file
        logger.kafka.name = kafka
        logger.kafka.level = INFO
        logger.state.name = state.change.logger
        logger.state.level = WARN
        """
        .formatted(logDirectory);
  }
}
