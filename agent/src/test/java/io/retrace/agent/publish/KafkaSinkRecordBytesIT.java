package io.retrace.agent.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.retrace.schemas.event.JdbcCall;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.serde.AvroDeserializer;
import io.retrace.schemas.serde.AvroSerializer;
import io.retrace.schemas.serde.SerdeConfig;
import io.retrace.schemas.topic.Topics;
import io.retrace.testkit.Events;
import io.retrace.testkit.RetraceStackExtension;
import io.retrace.testkit.TestStack;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the Kafka sink puts on the broker is what the schemas module's {@link AvroSerializer} would
 * have: the same bytes under the same registry, read back by {@link AvroDeserializer}.
 */
@ExtendWith(RetraceStackExtension.class)
class KafkaSinkRecordBytesIT {
  @TempDir Path dir;

  @Test
  void recordValuesAreTheBytesOfAvroSerializer(TestStack stack) throws Exception {
    String recording = stack.uniqueName("rec-bytes");
    String topic = Topics.recording(recording, 3).name();
    List<RecordedEvent> events = new ArrayList<>(EventSerializerTest.events(recording));
    RecordedEvent decimal =
        Events.event()
            .recording(recording)
            .session("s-2")
            .jdbcUpdate("update product set price = ?", List.of(new BigDecimal("2.50")), 1);
    events.add(decimal);
    events.addAll(EventSerializerTest.events(recording));
    EventBuffer buffer = new EventBuffer(16);
    AgentMetrics metrics = new AgentMetrics(buffer);

    KafkaSink sink =
        new KafkaSink(
            stack.bootstrapServers(),
            stack.registryUrl(),
            new Spool(dir, 64L << 20),
            3,
            Duration.ofSeconds(30),
            metrics);
    sink.write(events);
    sink.close();

    assertThat(metrics.getSent()).isEqualTo(events.size());
    assertThat(metrics.getSpooled()).isZero();
    Map<String, Object> registry = Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, stack.registryUrl());
    AvroSerializer<RecordedEvent> avro = new AvroSerializer<>();
    avro.configure(registry, false);
    Map<String, Object> readConfig = new HashMap<>(registry);
    readConfig.put(SerdeConfig.SPECIFIC_AVRO_VALUE_TYPE, RecordedEvent.class);
    AvroDeserializer<RecordedEvent> reader = new AvroDeserializer<>();
    reader.configure(readConfig, false);
    Map<String, RecordedEvent> sentById =
        events.stream()
            .collect(Collectors.toMap(RecordedEvent::getEventId, Function.identity(), (a, b) -> a));
    List<ConsumerRecord<String, byte[]>> records =
        stack.readToEnd(topic, Serdes.String(), Serdes.ByteArray(), false);

    assertThat(records).hasSize(events.size());
    for (ConsumerRecord<String, byte[]> record : records) {
      RecordedEvent read = reader.deserialize(topic, record.value());
      RecordedEvent sent = sentById.get(read.getEventId());
      assertThat(record.value()).isEqualTo(avro.serialize(topic, sent));
      if (sent == decimal) {
        // Avro writes a BigDecimal as its text, so it reads back as a string.
        assertThat(((JdbcCall) read.getPayload()).getParameters().get(0).getValue())
            .hasToString("2.50");
      } else {
        assertThat(read).isEqualTo(sent);
      }
    }
    avro.close();
    reader.close();
  }
}
