package io.hashstream.consumer.internal;

import io.hashstream.consumer.ConsumerSettings;
import io.hashstream.consumer.ConsumerStoppedException;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transactional producer, on the poll thread only. It commits one transaction at a time and
 * follows the client's rules for failures: a commit that timed out is retried (nothing else may
 * be called before it), a bounded number of times; a producer whose state is unknown after that,
 * or after an abort that failed, is closed and replaced by a new one with the same
 * {@code transactional.id}, whose initialization fences the old one and aborts what it left open.
 * Only a fatal error stops the instance.
 */
final class Transactions implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Transactions.class);
  /** Tries of one commit that keeps timing out, each up to {@code max.block.ms}. */
  private static final int COMMIT_ATTEMPTS = 3;

  private final ConsumerSettings settings;
  private final ConsumerMetrics metrics;
  private final Outage outage;
  private KafkaProducer<byte[], byte[]> producer;
  private KafkaClientMetrics producerMetrics;
  /** Whether {@code initTransactions} completed for the current producer. */
  private boolean initialized;

  Transactions(ConsumerSettings settings, ConsumerMetrics metrics, Outage outage) {
    this.settings = settings;
    this.metrics = metrics;
    this.outage = outage;
    this.producer = newProducer();
    this.producerMetrics = metrics.bindClient(producer);
  }

  private KafkaProducer<byte[], byte[]> newProducer() {
    return new KafkaProducer<>(
        KafkaMaps.producer(settings), new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * Initializes the producer, waiting for Kafka as long as it takes: {@code initTransactions} may
   * be called again after it timed out.
   *
   * @return false if {@code stopping} said so first
   */
  boolean init(BooleanSupplier stopping) throws InterruptedException {
    Backoff backoff = new Backoff();
    while (!stopping.getAsBoolean()) {
      try {
        producer.initTransactions();
        initialized = true;
        outage.answered();
        return true;
      } catch (TimeoutException e) {
        outage.unanswered("initializing the transactional producer: " + e.getMessage());
      } catch (KafkaException e) {
        String fatal = TransactionErrors.fatal(e, TransactionErrors.Who.of(settings), "Write");
        if (fatal != null) {
          throw new ConsumerStoppedException(fatal, e);
        }
        LOG.warn("initializing the transactional producer failed; retrying: {}", e.toString());
      }
      Thread.sleep(backoff.next());
    }
    return false;
  }

  /**
   * Sends {@code sends} and {@code offsets} in one transaction and commits it.
   *
   * @return true if it committed; false if it failed and was aborted, or the producer replaced:
   *     then nothing of it is visible and the caller rewinds to the committed offsets
   * @throws ConsumerStoppedException on a fatal error
   */
  boolean commit(
      List<ProducerRecord<byte[], byte[]>> sends,
      Map<TopicPartition, OffsetAndMetadata> offsets,
      ConsumerGroupMetadata group,
      BooleanSupplier stopping)
      throws InterruptedException {
    if (!initialized && !init(stopping)) {
      return false;
    }
    long begun = System.nanoTime();
    try {
      producer.beginTransaction();
      for (ProducerRecord<byte[], byte[]> record : sends) {
        // A failed send fails the commit below, which aborts: nothing is lost.
        var _ = producer.send(record);
      }
      TestHook.AFTER_SEND_RESULTS.reached();
      producer.sendOffsetsToTransaction(offsets, group);
      TestHook.AFTER_SEND_OFFSETS.reached();
      TestHook.BEFORE_COMMIT.reached();
      commitRetryingTimeouts();
      outage.answered();
      return true;
    } catch (KafkaException | IllegalStateException e) {
      // IllegalStateException: the client refused a call in the state a failure left it in.
      failed(e, Duration.ofNanos(System.nanoTime() - begun), stopping);
      return false;
    }
  }

  /** The client's documentation: a commit that timed out is retried before anything else. */
  private void commitRetryingTimeouts() {
    for (int attempt = 1; ; attempt++) {
      try {
        producer.commitTransaction();
        return;
      } catch (TimeoutException e) {
        if (attempt == COMMIT_ATTEMPTS) {
          throw e;
        }
        outage.unanswered("committing a transaction: " + e.getMessage());
        metrics.commitRetried();
      }
    }
  }

  private void failed(RuntimeException e, Duration open, BooleanSupplier stopping) throws InterruptedException {
    metrics.aborted();
    switch (TransactionErrors.classify(e, open, settings.transactionTimeout(), TransactionErrors.Who.of(settings))) {
      case TransactionErrors.Fatal fatal -> throw new ConsumerStoppedException(fatal.message(), e);
      case TransactionErrors.Expired expired -> {
        LOG.warn("{}; replacing the producer and redoing the work from the committed offsets", expired.message());
        renew(stopping);
      }
      case TransactionErrors.TimedOut timedOut -> {
        outage.unanswered(timedOut.message());
        renew(stopping);
      }
      case TransactionErrors.Abortable abortable -> {
        LOG.warn("the transaction failed and is aborted; rewinding to the committed offsets: {}", abortable.message());
        abortOrRenew(stopping);
      }
    }
  }

  private void abortOrRenew(BooleanSupplier stopping) throws InterruptedException {
    try {
      producer.abortTransaction();
    } catch (KafkaException | IllegalStateException e) {
      String fatal = TransactionErrors.fatal(e, TransactionErrors.Who.of(settings), "Write");
      if (fatal != null) {
        throw new ConsumerStoppedException(fatal, e);
      }
      LOG.warn("aborting the transaction failed too ({}); replacing the producer", e.toString());
      renew(stopping);
    }
  }

  /** Closes the producer at once and starts a new one, which fences the old one's transaction. */
  private void renew(BooleanSupplier stopping) throws InterruptedException {
    closeProducer();
    producer = newProducer();
    producerMetrics = metrics.bindClient(producer);
    initialized = false;
    metrics.producerRenewed();
    init(stopping);
  }

  private void closeProducer() {
    producerMetrics.close();
    // Zero: nothing it holds may still be sent, and a broker that does not answer must not hold us.
    producer.close(Duration.ZERO);
  }

  @Override
  public void close() {
    closeProducer();
  }
}
