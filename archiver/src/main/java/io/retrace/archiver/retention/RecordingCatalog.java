package io.retrace.archiver.retention;

import io.retrace.schemas.event.RecordingInfo;
import io.retrace.schemas.serde.AvroSerde;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The recording catalog as of now: the compacted {@code retrace.recordings} topic read to its end,
 * the latest entry per recording. Memory: one entry per recording id.
 */
public final class RecordingCatalog {
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

  private RecordingCatalog() {}

  public static Map<String, RecordingInfo> read(
      String bootstrapServers, String registryUrl, String topic) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    Map<String, RecordingInfo> latest = new HashMap<>();
    try (AvroSerde<RecordingInfo> serde =
            AvroSerde.specific(
                RecordingInfo.class, Map.of("schema.registry.url", registryUrl), false);
        KafkaConsumer<String, RecordingInfo> consumer =
            new KafkaConsumer<>(config, new StringDeserializer(), serde.deserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, READ_TIMEOUT).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("Reading " + topic + " took over " + READ_TIMEOUT);
        }
        for (ConsumerRecord<String, RecordingInfo> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.value() == null) {
            latest.remove(r.key());
          } else {
            latest.put(r.value().getRecordingId(), r.value());
          }
        }
      }
    }
    return latest;
  }
}
