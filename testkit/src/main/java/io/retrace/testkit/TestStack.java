package io.retrace.testkit;

import io.retrace.schemas.topic.Topic;
import io.retrace.schemas.topic.TopicAdmin;
import io.retrace.schemas.topic.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serde;

/**
 * What a test sees of the shared stack: where the broker and registry are, and helpers to create
 * topics, produce with a topic's serdes, and read a topic to its end.
 */
public final class TestStack {
  private static final AtomicInteger NAMES = new AtomicInteger();

  private final String bootstrapServers;
  private final String registryUrl;
  private final Admin admin;

  TestStack(String bootstrapServers, String registryUrl) {
    this.bootstrapServers = bootstrapServers;
    this.registryUrl = registryUrl;
    this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public String registryUrl() {
    return registryUrl;
  }

  /** Serde settings pointing at the shared registry. */
  public Map<String, Object> serdeConfig() {
    return Map.of("schema.registry.url", registryUrl);
  }

  public Admin admin() {
    return admin;
  }

  /** A name no other test in this JVM uses, so tests sharing the broker do not see each other. */
  public String uniqueName(String prefix) {
    return prefix + "-" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet();
  }

  /** A fresh topic with {@code template}'s serdes and settings under a unique name. */
  public <K, V> Topic<K, V> freshTopic(Topic<K, V> template) {
    Topic<K, V> topic =
        new Topic<>(
            uniqueName(template.name()),
            template.keySerde(),
            template::valueSerde,
            template.spec());
    createTopic(topic);
    return topic;
  }

  public void createTopic(Topic<?, ?> topic) {
    try {
      TopicAdmin.ensure(admin, List.of(topic), (short) 1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public void createTopic(String name, int partitions) {
    createTopic(Topic.bytes(name, new TopicSpec(partitions, Map.of())));
  }

  /** Common producer settings: idempotent, acks=all, so tests see what production would. */
  public Map<String, Object> producerConfig() {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    return config;
  }

  public <K, V> KafkaProducer<K, V> producer(Topic<K, V> topic) {
    return new KafkaProducer<>(
        producerConfig(),
        topic.keySerde().serializer(),
        topic.valueSerde(serdeConfig()).serializer());
  }

  /**
   * Reads every partition of the topic from the beginning up to the end offsets seen at the start.
   */
  public <K, V> List<ConsumerRecord<K, V>> readToEnd(Topic<K, V> topic) {
    return readToEnd(topic.name(), topic.keySerde(), topic.valueSerde(serdeConfig()), false);
  }

  /**
   * Reads {@code topic} from the beginning up to its current end. With {@code readCommitted}, the
   * end is the last stable offset and aborted transactional records are skipped.
   */
  public <K, V> List<ConsumerRecord<K, V>> readToEnd(
      String topic, Serde<K> keySerde, Serde<V> valueSerde, boolean readCommitted) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(
        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
        readCommitted ? "read_committed" : "read_uncommitted");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (KafkaConsumer<K, V> consumer =
        new KafkaConsumer<>(config, keySerde.deserializer(), valueSerde.deserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      List<ConsumerRecord<K, V>> records = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("Reading " + topic + " to its end took over 60 s");
        }
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      return records;
    }
  }

  void close() {
    admin.close();
  }
}
