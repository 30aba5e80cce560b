package io.retrace.stack.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retrace.stack.PortInUseException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaIT {
  @TempDir Path dir;

  @Test
  void keepsRecordsAcrossARestartOnTheSameDirectory() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, "127.0.0.1", 0, Map.of())) {
      produce(kafka.bootstrapServers(), "restart-check", List.of("a", "b", "c"));
      assertThat(readAll(kafka.bootstrapServers(), "restart-check")).containsExactly("a", "b", "c");
    }
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, "127.0.0.1", 0, Map.of())) {
      produce(kafka.bootstrapServers(), "restart-check", List.of("d"));
      assertThat(readAll(kafka.bootstrapServers(), "restart-check"))
          .containsExactly("a", "b", "c", "d");
    }
  }

  @Test
  void namesThePortThatIsTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      int port = taken.getLocalPort();
      assertThatThrownBy(() -> EmbeddedKafka.start(dir, "127.0.0.1", port, Map.of()))
          .isInstanceOf(PortInUseException.class)
          .hasMessageContaining("Kafka port " + port)
          .hasMessageContaining("in use");
    }
  }

  private static void produce(String bootstrap, String topic, List<String> values)
      throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      for (String v : values) {
        producer.send(new ProducerRecord<>(topic, 0, null, v)).get();
      }
    }
  }

  private static List<String> readAll(String bootstrap, String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      List<String> out = new ArrayList<>();
      while (consumer.position(tp) < end) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          out.add(r.value());
        }
      }
      return out;
    }
  }
}
