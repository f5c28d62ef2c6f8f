package io.hashstream.consumer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

class TransactionErrorsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(15);
  private static final Duration SHORT = Duration.ofSeconds(1);
  private static final Duration LONG = Duration.ofSeconds(20);
  private static final TransactionErrors.Who ONE =
      new TransactionErrors.Who("one", "User:consumer", "hashstream-consumer-g-one");

  /** How the client reports an error that put it in an error state. */
  private static KafkaException wrapped(Throwable cause) {
    return new KafkaException("Cannot execute transactional method because we are in an error state", cause);
  }

  private static TransactionErrors.Failure classify(Throwable failure, Duration open) {
    return TransactionErrors.classify(failure, open, TIMEOUT, ONE);
  }

  @Test
  void aFencedProducerInAShortTransactionIsAnotherInstanceAndStops() {
    assertThat(classify(wrapped(new ProducerFencedException("fenced")), SHORT))
        .isInstanceOfSatisfying(
            TransactionErrors.Fatal.class,
            fatal -> assertThat(fatal.message()).contains("another consumer instance with the id 'one'"));
  }

  @Test
  void whatTheBrokerAnswersAfterItExpiredATransactionIsRedoneNotFatal() {
    for (Throwable cause :
        new Throwable[] {
          new InvalidTxnStateException("invalid state"),
          new InvalidProducerEpochException("old epoch"),
          new ProducerFencedException("fenced")
        }) {
      assertThat(classify(wrapped(cause), LONG))
          .as(cause.toString())
          .isInstanceOfSatisfying(
              TransactionErrors.Expired.class,
              expired ->
                  assertThat(expired.message())
                      .contains("open 20 s, longer than its timeout of 15 s")
                      .contains(cause.getClass().getSimpleName())
                      .doesNotContain("another consumer instance"));
    }
  }

  @Test
  void anInvalidStateInAShortTransactionIsAbortedAndRedone() {
    assertThat(classify(new InvalidTxnStateException("invalid state"), SHORT))
        .isInstanceOf(TransactionErrors.Abortable.class);
  }

  @Test
  void aTimeoutAnywhereInTheChainIsATimeout() {
    assertThat(classify(wrapped(new TimeoutException("EndTxn")), SHORT))
        .isInstanceOfSatisfying(
            TransactionErrors.TimedOut.class, timedOut -> assertThat(timedOut.message()).isEqualTo("EndTxn"));
  }

  @Test
  void aFencedMemberAndARefusalStopWithOneLine() {
    assertThat(classify(new FencedInstanceIdException("fenced member"), LONG))
        .isInstanceOfSatisfying(
            TransactionErrors.Fatal.class, fatal -> assertThat(fatal.message()).contains("joined the group"));
    assertThat(classify(wrapped(new TopicAuthorizationException(java.util.Set.of("hashstream.hashes"))), SHORT))
        .isInstanceOfSatisfying(
            TransactionErrors.Fatal.class,
            fatal ->
                assertThat(fatal.message())
                    .isEqualTo(
                        "User:consumer may not Write to Topic:hashstream.hashes: grant it (see 'hashstream acls')"));
    assertThat(classify(wrapped(new org.apache.kafka.common.errors.TransactionalIdAuthorizationException("denied")), SHORT))
        .isInstanceOfSatisfying(
            TransactionErrors.Fatal.class,
            fatal -> assertThat(fatal.message()).startsWith("User:consumer may not Write to TransactionalId:hashstream-consumer-g-one"));
    assertThat(TransactionErrors.fatal(new org.apache.kafka.common.errors.GroupAuthorizationException("denied", "g"), ONE, "Read"))
        .isEqualTo("User:consumer may not Read Group:g: grant it (see 'hashstream acls')");
    assertThat(TransactionErrors.fatal(new org.apache.kafka.common.errors.SaslAuthenticationException("bad password"), ONE, "Read"))
        .isEqualTo(
            "Kafka refused the login of User:consumer: the user name or password in --client-config is wrong (bad password)");
  }

  @Test
  void aStaleGenerationIsAbortedAndRedone() {
    assertThat(classify(new CommitFailedException("rebalanced"), SHORT)).isInstanceOf(TransactionErrors.Abortable.class);
    assertThat(TransactionErrors.fatal(new CommitFailedException("rebalanced"), ONE, "Write")).isNull();
  }

  @Test
  void aCauseChainThatLoopsEnds() {
    KafkaException looping =
        new KafkaException("loops") {
          private static final long serialVersionUID = 1L;

          @Override
          public synchronized Throwable getCause() {
            return this;
          }
        };
    assertThat(classify(looping, SHORT)).isInstanceOf(TransactionErrors.Abortable.class);
  }
}
