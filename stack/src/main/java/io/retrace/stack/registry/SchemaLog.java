package io.retrace.stack.registry;

import io.retrace.schemas.topic.Topic;
import io.retrace.schemas.topic.TopicAdmin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.Serde;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's durable copy: a compacted, single-partition Kafka topic holding every change in
 * the order it was made. Appends wait for the broker's acknowledgement, so a change the registry
 * has answered for is never lost; reading the topic from the start rebuilds the state.
 */
final class SchemaLog implements RegistryStorage {
  private static final Logger log = LoggerFactory.getLogger(SchemaLog.class);
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
  private static final long RETRY_PAUSE_MS = 100;
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

  private final String bootstrapServers;
  private final Topic<String, String> topic;
  private final TopicPartition partition;
  private final KafkaProducer<String, String> producer;

  private SchemaLog(
      String bootstrapServers,
      Topic<String, String> topic,
      KafkaProducer<String, String> producer) {
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
    this.partition = new TopicPartition(topic.name(), 0);
    this.producer = producer;
  }

  /**
   * Creates the topic when it is missing, and refuses one with more than one partition: the state
   * is rebuilt by replaying changes in order, which only one partition guarantees.
   *
   * @param replicationFactor replicas of the topic if this call creates it
   */
  static SchemaLog open(
      String bootstrapServers, Topic<String, String> topic, short replicationFactor) {
    ensureTopic(bootstrapServers, topic, replicationFactor);
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    // Bounded so that a client waiting on a write gets an error instead of hanging on a dead
    // broker.
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "20000");
    KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            props, topic.keySerde().serializer(), topic.valueSerde(Map.of()).serializer());
    return new SchemaLog(bootstrapServers, topic, producer);
  }

  /**
   * Creates or checks the topic. A broker that has just started may know the topic before it hosts
   * its partition (UnknownTopicOrPartition, a retriable error): such errors are retried until
   * {@code ADMIN_TIMEOUT} has passed.
   */
  private static void ensureTopic(
      String bootstrapServers, Topic<String, String> topic, short replicationFactor) {
    long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
    while (true) {
      try {
        checkTopic(bootstrapServers, topic, replicationFactor);
        return;
      } catch (IllegalStateException e) {
        if (!(e.getCause() instanceof ExecutionException ex
                && ex.getCause() instanceof RetriableException)
            || System.nanoTime() > deadline) {
          throw e;
        }
        log.info(
            "Schema registry topic {} not ready yet: {}", topic.name(), ex.getCause().toString());
      }
      try {
        Thread.sleep(RETRY_PAUSE_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while preparing topic " + topic.name(), e);
      }
    }
  }

  private static void checkTopic(
      String bootstrapServers, Topic<String, String> topic, short replicationFactor) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      TopicAdmin.ensure(admin, List.of(topic), replicationFactor);
      int partitions =
          admin
              .describeTopics(List.of(topic.name()))
              .allTopicNames()
              .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
              .get(topic.name())
              .partitions()
              .size();
      if (partitions != 1) {
        throw new IllegalStateException(
            "Schema registry topic "
                + topic.name()
                + " has "
                + partitions
                + " partitions; it must have exactly 1 so that changes replay in order");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while preparing topic " + topic.name(), e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "Cannot prepare schema registry topic " + topic.name() + " on " + bootstrapServers, e);
    }
  }

  @Override
  public String describe() {
    return "topic " + topic.name() + " on " + bootstrapServers;
  }

  /**
   * Every change in the topic, oldest first, up to the end offset at the time of the call.
   *
   * @throws IllegalStateException when the topic cannot be read in time or holds a record that is
   *     not in the registry's format
   */
  @Override
  public List<RegistryRecord> readAll() {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    Serde<String> values = topic.valueSerde(Map.of());
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, topic.keySerde().deserializer(), values.deserializer())) {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition), READ_TIMEOUT).get(partition);
      long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
      List<RegistryRecord> records = new ArrayList<>();
      while (consumer.position(partition, READ_TIMEOUT) < end) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "Timed out reading "
                  + topic.name()
                  + " up to offset "
                  + end
                  + " from "
                  + bootstrapServers);
        }
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          decode(record).ifPresent(records::add);
        }
      }
      log.info(
          "Read {} registry changes from {} up to offset {}", records.size(), topic.name(), end);
      return records;
    }
  }

  private Optional<RegistryRecord> decode(ConsumerRecord<String, String> record) {
    try {
      return RegistryRecordCodec.decode(record.key(), record.value());
    } catch (IllegalArgumentException e) {
      // Skipping it could hand out an id twice; the topic needs a look before the registry runs.
      throw new IllegalStateException(
          "Record at offset "
              + record.offset()
              + " of "
              + topic.name()
              + " is not a schema registry record: "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Writes one change and waits until the broker has it on every in-sync replica.
   *
   * @throws RegistryException STORE_ERROR when the write fails or times out; the change may or may
   *     not be in the topic then
   */
  @Override
  public void append(RegistryRecord record) {
    ProducerRecord<String, String> message =
        new ProducerRecord<>(
            topic.name(),
            partition.partition(),
            RegistryRecordCodec.key(record),
            RegistryRecordCodec.value(record));
    try {
      producer.send(message).get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw RegistryException.storeError("Interrupted while writing to " + topic.name(), e);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw RegistryException.storeError(
          "Error in the backend data store: cannot write to " + topic.name() + ": " + cause, cause);
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
