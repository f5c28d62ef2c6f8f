package io.hashstream.schemas.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLHandshakeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.junit.jupiter.api.Test;

class RefusalsTest {
  private static final String WHO = "User:consumer";

  @Test
  void namesThePrincipalOfASaslLoginOrSaysThereIsNone() {
    assertThat(
            Refusals.principalOf(
                Map.of(
                    "sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"alice\" password=\"x\";")))
        .isEqualTo("User:alice");
    assertThat(Refusals.principalOf(Map.of())).isEqualTo("this client's principal");
  }

  @Test
  void eachRefusalSaysWhomToGrantWhat() {
    assertThat(Refusals.line(new TopicAuthorizationException(Set.of("t")), WHO, "Write", null))
        .isEqualTo("User:consumer may not Write to Topic:t: grant it (see 'hashstream acls')");
    assertThat(Refusals.line(new TopicAuthorizationException(Set.of("t")), WHO, "DescribeConfigs", null))
        .isEqualTo("User:consumer may not DescribeConfigs Topic:t: grant it (see 'hashstream acls')");
    assertThat(Refusals.line(new GroupAuthorizationException("denied", "g"), WHO, "Read", null))
        .isEqualTo("User:consumer may not Read Group:g: grant it (see 'hashstream acls')");
    assertThat(Refusals.line(new TransactionalIdAuthorizationException("denied"), WHO, "Write", "hashstream-consumer-g-1"))
        .isEqualTo(
            "User:consumer may not Write to TransactionalId:hashstream-consumer-g-1: grant it (see 'hashstream acls'), a prefixed ACL");
    assertThat(Refusals.line(new ClusterAuthorizationException("Cluster authorization failed."), "User:producer", "Write", null))
        .startsWith("User:producer was refused on the Cluster (Cluster authorization failed.); an idempotent producer with no Write");
  }

  @Test
  void loginAndTlsFailuresSayWhatToFixInTheClientConfiguration() {
    assertThat(Refusals.line(new SaslAuthenticationException("invalid credentials"), WHO, "Read", null))
        .isEqualTo(
            "Kafka refused the login of User:consumer: the user name or password in --client-config is wrong (invalid credentials)");
    SslAuthenticationException tls = new SslAuthenticationException("SSL handshake failed");
    tls.initCause(new SSLHandshakeException("PKIX path building failed"));
    assertThat(Refusals.line(tls, WHO, "Read", null))
        .isEqualTo(
            "the TLS handshake with Kafka failed (PKIX path building failed); does ssl.truststore.location in"
                + " --client-config hold the CA that signed the broker's certificate?");
  }

  @Test
  void findsTheRefusalDownTheCausesAndNothingWhereThereIsNone() {
    KafkaException wrapped = new KafkaException("in an error state", new TopicAuthorizationException(Set.of("t")));
    assertThat(Refusals.line(wrapped, WHO, "Write", null)).startsWith("User:consumer may not Write to Topic:t");
    assertThat(Refusals.line(new TimeoutException("no answer"), WHO, "Write", null)).isNull();
    KafkaException looping = new KafkaException("outer");
    KafkaException inner = new KafkaException("inner", looping);
    looping.initCause(inner);
    assertThat(Refusals.line(looping, WHO, "Write", null)).isNull();
  }
}
