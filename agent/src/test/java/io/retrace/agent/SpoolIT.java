package io.retrace.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.retrace.schemas.event.EventKind;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.topic.Topic;
import io.retrace.schemas.topic.Topics;
import io.retrace.stack.kafka.EmbeddedKafka;
import io.retrace.stack.registry.SchemaRegistryServer;
import io.retrace.testkit.AgentProcess;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker goes away mid-run and comes back: the application keeps answering, the agent spools to
 * disk meanwhile, and once the broker is back every captured event arrives.
 */
class SpoolIT {
  private static final Pattern SUMMARY =
      Pattern.compile("captured (\\d+), sent (\\d+), spooled (\\d+), dropped (\\d+)");

  @TempDir Path dir;

  @Test
  void spoolsWhileTheBrokerIsDownAndDrainsWhenItReturns() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path kafkaDir = dir.resolve("kafka");
    EmbeddedKafka kafka = EmbeddedKafka.start(kafkaDir, "127.0.0.1", port, Map.of());
    SchemaRegistryServer registry =
        SchemaRegistryServer.start(kafka.bootstrapServers(), "127.0.0.1", 0);
    String output;
    try (AgentProcess app =
        AgentProcess.start(
            dir,
            "service=orders,recording=rec-spool,bootstrap="
                + kafka.bootstrapServers()
                + ",registry="
                + registry.url()
                + ",spool.dir="
                + dir.resolve("spool"))) {
      for (int i = 0; i < 5; i++) {
        assertThat(app.post("/orders", "before-" + i, "{\"product\":1,\"qty\":1}").statusCode())
            .isEqualTo(201);
      }
      awaitSessions(kafka.bootstrapServers(), Set.of("before-0", "before-4"));

      kafka.close();
      for (int i = 0; i < 5; i++) {
        assertThat(app.post("/orders", "during-" + i, "{\"product\":2,\"qty\":1}").statusCode())
            .isEqualTo(201);
      }
      // Down for longer than the delivery timeout: the agent must have spooled to disk.
      await().atMost(Duration.ofSeconds(30)).until(() -> spoolSegments(dir.resolve("spool")) > 0);
      kafka = EmbeddedKafka.start(kafkaDir, "127.0.0.1", port, Map.of());
      for (int i = 0; i < 5; i++) {
        assertThat(app.post("/orders", "after-" + i, "{\"product\":1,\"qty\":2}").statusCode())
            .isEqualTo(201);
      }
      Set<String> all =
          IntStream.range(0, 5)
              .boxed()
              .flatMap(i -> java.util.stream.Stream.of("before-" + i, "during-" + i, "after-" + i))
              .collect(Collectors.toSet());
      awaitSessions(kafka.bootstrapServers(), all);
      app.stop();
      output = app.output();
    } finally {
      registry.close();
    }
    try {
      Matcher m = SUMMARY.matcher(output);
      assertThat(m.find()).as(output).isTrue();
      long captured = Long.parseLong(m.group(1));
      assertThat(Long.parseLong(m.group(3))).as("events spooled").isPositive();
      assertThat(Long.parseLong(m.group(4))).as("events dropped").isZero();
      List<RecordedEvent> events = read(kafka.bootstrapServers());
      assertThat(events.stream().map(RecordedEvent::getEventId).distinct().count())
          .as("every captured event arrived")
          .isEqualTo(captured);
    } finally {
      kafka.close();
    }
  }

  private static long spoolSegments(Path spool) throws java.io.IOException {
    if (!java.nio.file.Files.isDirectory(spool)) {
      return 0;
    }
    try (var files = java.nio.file.Files.list(spool)) {
      return files.filter(f -> f.getFileName().toString().startsWith("spool-")).count();
    }
  }

  private static void awaitSessions(String bootstrap, Set<String> sessions) {
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                read(bootstrap).stream()
                    .filter(e -> e.getKind() == EventKind.HTTP_SERVER)
                    .map(RecordedEvent::getSessionId)
                    .collect(Collectors.toSet())
                    .containsAll(sessions));
  }

  private static List<RecordedEvent> read(String bootstrap) {
    Topic<String, RecordedEvent> topic = Topics.recording("rec-spool", 3);
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            config,
            new StringDeserializer(),
            new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
      var partitions =
          consumer.partitionsFor(topic.name(), Duration.ofSeconds(10)).stream()
              .map(p -> new org.apache.kafka.common.TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      var end = consumer.endOffsets(partitions);
      List<RecordedEvent> events = new java.util.ArrayList<>();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          events.add(decode(r.value()));
        }
      }
      return events;
    }
  }

  /**
   * Confluent wire format: skip magic byte and schema id; the rest is written with this build's
   * schema. (The test's registry stops with the test, so the events are read without it.)
   */
  private static RecordedEvent decode(byte[] value) {
    var decoder =
        org.apache.avro.io.DecoderFactory.get().binaryDecoder(value, 5, value.length - 5, null);
    try {
      return new org.apache.avro.specific.SpecificDatumReader<>(RecordedEvent.class)
          .read(null, decoder);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
