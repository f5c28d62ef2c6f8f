package io.hashstream.cli;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLHandshakeException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.jspecify.annotations.Nullable;

/**
 * A secured cluster's refusals as one line that says what to grant or fix: Kafka's own messages
 * name neither the principal nor what to do about it.
 */
final class AccessRefusals {
  private static final Pattern USERNAME = Pattern.compile("username=\"([^\"]*)\"");

  private AccessRefusals() {}

  /** {@code User:<name>} of a SASL client configuration, if it names one. */
  static @Nullable String principalOf(Map<String, ?> clientProperties) {
    Object jaas = clientProperties.get("sasl.jaas.config");
    if (jaas == null) {
      return null;
    }
    Matcher matcher = USERNAME.matcher(jaas.toString());
    return matcher.find() ? "User:" + matcher.group(1) : null;
  }

  /**
   * The line for a security failure anywhere in {@code failure}'s causes, or null if none is one.
   *
   * @param principal who the client is, if known
   * @param operation what it was doing to the resources a refusal names ({@code Write}, {@code
   *     Read}), if known
   */
  static @Nullable String line(Throwable failure, @Nullable String principal, @Nullable String operation) {
    String who = principal == null ? "this client's principal" : principal;
    String doing = operation == null ? "use" : operation;
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      switch (cause) {
        case SaslAuthenticationException e -> {
          return "Kafka refused the login of "
              + who
              + ": the user name or password in --client-config is wrong ("
              + e.getMessage()
              + ")";
        }
        case SslAuthenticationException e -> {
          return "the TLS handshake with Kafka failed: "
              + rootMessage(e)
              + "; does ssl.truststore.location in --client-config hold the CA that signed the broker's"
              + " certificate?";
        }
        case SSLHandshakeException e -> {
          return "the TLS handshake failed: "
              + e.getMessage()
              + "; does the trust store in --client-config hold the CA that signed the server's"
              + " certificate?";
        }
        case TopicAuthorizationException e -> {
          return who
              + " may not "
              + doing
              + " Topic:"
              + String.join(", Topic:", e.unauthorizedTopics())
              + ": grant it (see 'hashstream acls')";
        }
        case GroupAuthorizationException e -> {
          return who + " may not Read Group:" + e.groupId() + ": grant it (see 'hashstream acls')";
        }
        case TransactionalIdAuthorizationException e -> {
          return who
              + " may not Write its TransactionalId: grant Write on the prefix 'hashstream acls' prints";
        }
        case ClusterAuthorizationException e -> {
          return who
              + " was refused a cluster operation ("
              + e.getMessage()
              + "); an idempotent producer with no Write on any topic gets this: grant what"
              + " 'hashstream acls' prints";
        }
        case SecurityDisabledException e -> {
          return "the cluster has no authorizer (authorizer.class.name is not set): ACLs are not enforced there";
        }
        default -> {
          // Not a security failure: look further down.
        }
      }
    }
    return null;
  }

  /** {@link #line} with nothing known of the client, or the failure's own message. */
  static String describe(Throwable failure) {
    String line = line(failure, null, null);
    return line != null ? line : rootMessage(failure);
  }

  private static String rootMessage(Throwable failure) {
    Throwable root = failure;
    for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
      root = cause;
    }
    return String.valueOf(root.getMessage());
  }
}
