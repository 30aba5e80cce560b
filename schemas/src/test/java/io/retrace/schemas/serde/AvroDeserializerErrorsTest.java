package io.retrace.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.registry.InMemorySchemaRegistryClient;
import io.retrace.schemas.registry.SchemaRegistryClient;
import io.retrace.schemas.registry.SchemaRegistryUnavailableException;
import io.retrace.schemas.serde.WireFormatException.Reason;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class AvroDeserializerErrorsTest {
  private static final String TOPIC = "retrace.rec.r1";

  private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
  private final AvroSerializer<RecordedEvent> serializer = new AvroSerializer<>(registry);
  private final AvroDeserializer<RecordedEvent> deserializer = new AvroDeserializer<>(registry);
  private final byte[] valid = serializer.serialize(TOPIC, TestEvents.http());

  @Test
  void wrongMagicByte() {
    byte[] bytes = valid.clone();
    bytes[0] = 1;

    WireFormatException e = failure(bytes);

    assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_MAGIC_BYTE);
    assertThat(e)
        .hasMessage("[UNKNOWN_MAGIC_BYTE] topic " + TOPIC + ": magic byte 0x01, expected 0x00");
  }

  @Test
  void payloadShorterThanTheHeader() {
    WireFormatException e = failure(new byte[] {0, 0, 1});

    assertThat(e.reason()).isEqualTo(Reason.TRUNCATED);
    assertThat(e).hasMessageStartingWith("[TRUNCATED] topic " + TOPIC + ": 3 bytes");
  }

  @Test
  void avroBodyEndingEarly() {
    WireFormatException e = failure(Arrays.copyOf(valid, valid.length / 2));

    assertThat(e.reason()).isEqualTo(Reason.TRUNCATED);
    assertThat(e).hasMessageContaining("topic " + TOPIC).hasMessageContaining("ends early");
  }

  @Test
  void schemaIdTheRegistryDoesNotKnow() {
    byte[] bytes = valid.clone();
    bytes[4] = 42;

    WireFormatException e = failure(bytes);

    assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_SCHEMA_ID);
    assertThat(e)
        .hasMessageStartingWith(
            "[UNKNOWN_SCHEMA_ID] topic " + TOPIC + ": cannot fetch schema id 42")
        .hasMessageContaining("error_code 40403")
        .hasMessageContaining("registry in-memory");
  }

  @Test
  void locatesTheFailureWhenDecodingARawConsumerRecord() {
    byte[] bytes = valid.clone();
    bytes[4] = 42;
    ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(TOPIC, 3, 17L, null, bytes);

    WireFormatException e = thrown(() -> deserializer.deserialize(record));

    assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_SCHEMA_ID);
    assertThat(e.topic()).isEqualTo(TOPIC);
    assertThat(e.partition()).isEqualTo(3);
    assertThat(e.offset()).isEqualTo(17L);
    assertThat(e)
        .hasMessageStartingWith(
            "[UNKNOWN_SCHEMA_ID] topic "
                + TOPIC
                + " partition 3 offset 17: cannot fetch schema id 42");
  }

  @Test
  void writerSchemaThatCannotBeReadAsTheTargetClass() {
    Schema clashing =
        Schemas.parseSchema(
            "{\"type\":\"record\",\"name\":\"RecordedEvent\",\"namespace\":\"io.retrace.schemas.event\","
                + "\"fields\":[{\"name\":\"eventId\",\"type\":\"int\"}]}");
    GenericRecord record = new GenericData.Record(clashing);
    record.put("eventId", 7);
    byte[] bytes = new AvroSerializer<GenericRecord>(registry).serialize("other", record);
    RecordingClient recording = new RecordingClient(registry);
    AvroDeserializer<RecordedEvent> typed =
        new AvroDeserializer<>(
            recording.client,
            Map.of(SerdeConfig.SPECIFIC_AVRO_VALUE_TYPE, RecordedEvent.class),
            false);

    WireFormatException e = thrown(() -> typed.deserialize(TOPIC, bytes));
    thrown(() -> typed.deserialize(TOPIC, bytes));

    assertThat(e.reason()).isEqualTo(Reason.INCOMPATIBLE_SCHEMA);
    assertThat(e)
        .hasMessageStartingWith("[INCOMPATIBLE_SCHEMA] topic " + TOPIC + ": writer schema id")
        .hasMessageContaining(
            "eventId: TYPE_MISMATCH: reader type: STRING not compatible with writer type: INT")
        .hasMessageContaining("recordingId: READER_FIELD_MISSING_DEFAULT_VALUE");
    // The verdict is cached: a stream of such records does not fetch or check again.
    assertThat(recording.count("getById")).isOne();
  }

  @Test
  void bytesAfterTheAvroBody() {
    byte[] bytes = Arrays.copyOf(valid, valid.length + 3);

    WireFormatException e = failure(bytes);

    assertThat(e.reason()).isEqualTo(Reason.INVALID_DATA);
    assertThat(e).hasMessageContaining("topic " + TOPIC).hasMessageContaining("left over");
  }

  @Test
  void unionIndexOutOfRange() {
    Schema schema =
        Schemas.parseSchema(
            "{\"type\":\"record\",\"name\":\"U\",\"fields\":"
                + "[{\"name\":\"u\",\"type\":[\"null\",\"string\"]}]}");
    int id = registry.register("u", schema);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    WireFormat.writeHeader(bytes, id);
    bytes.write(10); // zig-zag 5: branch 5 of a two-branch union

    WireFormatException e = failure(bytes.toByteArray());

    assertThat(e.reason()).isEqualTo(Reason.INVALID_DATA);
    assertThat(e).hasMessageStartingWith("[INVALID_DATA] topic " + TOPIC + ": cannot decode");
  }

  @Test
  void registryThatCannotBeReached() {
    SchemaRegistryClient down =
        (SchemaRegistryClient)
            Proxy.newProxyInstance(
                SchemaRegistryClient.class.getClassLoader(),
                new Class<?>[] {SchemaRegistryClient.class},
                (proxy, method, args) -> {
                  throw new SchemaRegistryUnavailableException(
                      "http://127.0.0.1:1", 0, 0, "connection refused", null);
                });

    WireFormatException e =
        thrown(() -> new AvroDeserializer<RecordedEvent>(down).deserialize(TOPIC, valid));

    assertThat(e.reason()).isEqualTo(Reason.REGISTRY_UNAVAILABLE);
    assertThat(e.reason().retriable()).isTrue();
    assertThat(e).hasMessageContaining("connection refused").hasMessageContaining("127.0.0.1:1");
  }

  private WireFormatException failure(byte[] bytes) {
    return thrown(() -> deserializer.deserialize(TOPIC, bytes));
  }

  private static WireFormatException thrown(ThrowingCallable call) {
    Throwable thrown = catchThrowable(call);
    assertThat(thrown).isInstanceOf(WireFormatException.class);
    return (WireFormatException) thrown;
  }
}
