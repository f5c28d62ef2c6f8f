package io.hashstream.cli;

import io.hashstream.runtime.LocalRuntime;
import io.hashstream.runtime.Principal;
import io.hashstream.schemas.Topics;
import java.util.HashMap;
import org.slf4j.LoggerFactory;

/**
 * What {@code local --secure} and {@code up --secure} grant once the runtime answers: the ACLs of
 * {@link AccessPlan} for the runtime's producer, consumer and reader users, with hashstream's
 * topics and the given group, created as the runtime's admin.
 */
final class SecuredRuntime {
  private SecuredRuntime() {}

  static AccessPlan plan(String group) {
    return new AccessPlan(
        Topics.EVENTS,
        Topics.HASHES,
        group,
        Principal.PRODUCER.kafkaPrincipal(),
        Principal.CONSUMER.kafkaPrincipal(),
        Principal.READER.kafkaPrincipal());
  }

  static void grant(LocalRuntime runtime, String group) throws InterruptedException {
    int count = AclsCommand.applyTo(new HashMap<>(runtime.kafkaClientProperties(Principal.ADMIN)), plan(group));
    LoggerFactory.getLogger(SecuredRuntime.class)
        .info("granted {} ACLs to {}, {} and {} for the group {} ('hashstream acls' lists them)",
            count, Principal.PRODUCER.kafkaPrincipal(), Principal.CONSUMER.kafkaPrincipal(),
            Principal.READER.kafkaPrincipal(), group);
  }
}
