package io.hashstream.schemas.security;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.jspecify.annotations.Nullable;

/**
 * A secured cluster's refusal as one line: who may not do what to which resource, and what to do.
 * Kafka's messages ("Not authorized to access topics: [t]") name neither the principal nor the
 * operation; the caller knows the operation, the client configuration knows the principal.
 */
public final class Refusals {
  private static final Pattern USERNAME = Pattern.compile("username=\"([^\"]*)\"");
  private static final int MAX_DEPTH = 16;
  private static final String GRANT = ": grant it (see 'hashstream acls')";

  private Refusals() {}

  /**
   * {@code User:<name>} of the SASL login in {@code clientProperties}, or a phrase that says there
   * is none.
   */
  public static String principalOf(Map<String, ?> clientProperties) {
    Object jaas = clientProperties.get("sasl.jaas.config");
    if (jaas != null) {
      Matcher matcher = USERNAME.matcher(jaas.toString());
      if (matcher.find()) {
        return "User:" + matcher.group(1);
      }
    }
    return "this client's principal";
  }

  /**
   * The line for an authorization or authentication failure anywhere in {@code failure}'s causes,
   * or null if it is neither.
   *
   * @param principal as {@link #principalOf} names it
   * @param operation the ACL operation the client was using on the refused resource ({@code Read},
   *     {@code Write}, {@code Create}, {@code DescribeConfigs})
   * @param transactionalId the client's transactional id, if it has one
   */
  public static @Nullable String line(
      Throwable failure, String principal, String operation, @Nullable String transactionalId) {
    Throwable cause = failure;
    for (int depth = 0; cause != null && depth < MAX_DEPTH; depth++, cause = cause.getCause()) {
      String line = lineOf(cause, principal, operation, transactionalId);
      if (line != null) {
        return line;
      }
    }
    return null;
  }

  private static @Nullable String lineOf(
      Throwable cause, String principal, String operation, @Nullable String transactionalId) {
    return switch (cause) {
      case TopicAuthorizationException e ->
          principal + " may not " + verb(operation) + " Topic:" + String.join(", Topic:", e.unauthorizedTopics()) + GRANT;
      case GroupAuthorizationException e -> principal + " may not Read Group:" + e.groupId() + GRANT;
      case TransactionalIdAuthorizationException e ->
          principal
              + " may not Write to TransactionalId:"
              + (transactionalId == null ? "(its id)" : transactionalId)
              + GRANT
              + ", a prefixed ACL";
      case ClusterAuthorizationException e ->
          principal
              + " was refused on the Cluster ("
              + e.getMessage()
              + "); an idempotent producer with no Write on any topic is refused so at its start: grant"
              + " what 'hashstream acls' lists";
      case AuthorizationException e -> principal + " was refused: " + e.getMessage() + GRANT;
      case SaslAuthenticationException e ->
          "Kafka refused the login of "
              + principal
              + ": the user name or password in --client-config is wrong ("
              + e.getMessage()
              + ")";
      case SslAuthenticationException e ->
          "the TLS handshake with Kafka failed ("
              + rootMessage(e)
              + "); does ssl.truststore.location in --client-config hold the CA that signed the broker's"
              + " certificate?";
      case AuthenticationException e -> "Kafka refused the login of " + principal + ": " + e.getMessage();
      default -> null;
    };
  }

  /** {@code Write} reads "Write to", the others as they are. */
  private static String verb(String operation) {
    return operation.equals("Write") ? "Write to" : operation;
  }

  private static String rootMessage(Throwable failure) {
    Throwable root = failure;
    Throwable cause = failure.getCause();
    for (int depth = 0; cause != null && depth < MAX_DEPTH; depth++, cause = cause.getCause()) {
      root = cause;
    }
    return String.valueOf(root.getMessage());
  }
}
