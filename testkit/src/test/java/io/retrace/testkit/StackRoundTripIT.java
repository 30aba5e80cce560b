package io.retrace.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.retrace.schemas.event.EventKind;
import io.retrace.schemas.event.MarkerType;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.event.ValueSource;
import io.retrace.schemas.serde.WireFormat;
import io.retrace.schemas.topic.Topic;
import io.retrace.schemas.topic.Topics;
import io.retrace.stack.EmbeddedStack;
import io.retrace.stack.StackConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events go through a real broker with the Confluent-wire serde and the embedded registry, come
 * back equal field by field, and read the same after the whole stack restarts on its data dir.
 */
class StackRoundTripIT {
  @TempDir Path dataDir;

  @Test
  void eventsSurviveTheRoundTripAndAStackRestart() throws Exception {
    StackConfig config = new StackConfig(dataDir, "127.0.0.1", 0, 0);
    Topic<String, RecordedEvent> topic = Topics.recording("roundtrip", 3);
    List<RecordedEvent> sent = everyKindOfEvent();

    List<Integer> idsBefore;
    try (EmbeddedStack stack = EmbeddedStack.start(config, List.of())) {
      TestStack kit = new TestStack(stack.bootstrapServers(), stack.registryUrl());
      kit.createTopic(topic);
      try (KafkaProducer<String, RecordedEvent> producer = kit.producer(topic)) {
        for (RecordedEvent e : sent) {
          producer.send(new ProducerRecord<>(topic.name(), e.getSessionId(), e)).get();
        }
      }
      assertThat(values(kit.readToEnd(topic))).containsExactlyElementsOf(sent);
      idsBefore = schemaIds(kit, topic);
      assertThat(idsBefore).hasSize(sent.size()).containsOnly(idsBefore.get(0));
      kit.close();
    }

    try (EmbeddedStack stack = EmbeddedStack.start(config, List.of())) {
      TestStack kit = new TestStack(stack.bootstrapServers(), stack.registryUrl());
      assertThat(values(kit.readToEnd(topic))).containsExactlyElementsOf(sent);
      assertThat(schemaIds(kit, topic)).isEqualTo(idsBefore);
      kit.close();
    }
  }

  /** One session's events, all on one partition, so their order is the capture order. */
  private static List<RecordedEvent> everyKindOfEvent() {
    EventBuilder b = Events.event().recording("roundtrip").session("s-" + UUID.randomUUID());
    return List.of(
        b.marker(MarkerType.RECORDING_START, 0),
        b.httpServer("POST", "http://localhost:8080/orders", 201),
        b.uuid(UUID.fromString("2f1c1d8e-9a3b-4c55-8a7e-0c2d0f6b9e11")),
        b.value(ValueSource.INSTANT_NOW, "java.time.Instant#now", 1_764_000_000_123L),
        b.jdbcQuery(
            "select id, name from customer where id = ?",
            List.of("id", "name"),
            List.of(List.of(7L, "Ada"), java.util.Arrays.asList(8L, null))),
        b.jdbcUpdate("insert into orders(id, total) values (?, ?)", List.of(41, 99.5), 1),
        b.httpClient("GET", "http://pricing.local/quote?sku=42", 503),
        b.methodCall("com.acme.Pricing", "quote", "[42]", "{\"price\":9.5}"),
        b.exception("java.lang.IllegalStateException", "boom"),
        b.of(EventKind.MARKER, new io.retrace.schemas.event.Marker(MarkerType.GAP, 12L, "full")));
  }

  private static List<RecordedEvent> values(List<ConsumerRecord<String, RecordedEvent>> records) {
    return records.stream().map(ConsumerRecord::value).toList();
  }

  private static List<Integer> schemaIds(TestStack kit, Topic<String, RecordedEvent> topic) {
    return kit.readToEnd(topic.name(), Serdes.String(), Serdes.ByteArray(), false).stream()
        .map(r -> WireFormat.schemaId(r.value()))
        .toList();
  }
}
