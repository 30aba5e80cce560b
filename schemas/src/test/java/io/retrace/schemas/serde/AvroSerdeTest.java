package io.retrace.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retrace.schemas.event.Origin;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.registry.InMemorySchemaRegistryClient;
import io.retrace.schemas.registry.SchemaRegistryClient;
import io.retrace.schemas.serde.WireFormatException.Reason;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AvroSerdeTest {
  private static final String TOPIC = "retrace.rec.r1";

  private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
  private final AvroSerializer<RecordedEvent> serializer = new AvroSerializer<>(registry);
  private final AvroDeserializer<RecordedEvent> deserializer = new AvroDeserializer<>(registry);

  static List<RecordedEvent> events() {
    return TestEvents.all();
  }

  @ParameterizedTest
  @MethodSource("events")
  void roundTripsEveryPayloadType(RecordedEvent event) {
    RecordedEvent back = deserializer.deserialize(TOPIC, serializer.serialize(TOPIC, event));

    for (Schema.Field field : RecordedEvent.getClassSchema().getFields()) {
      assertThat(back.get(field.pos())).as(field.name()).isEqualTo(event.get(field.pos()));
    }
    assertThat(back.getPayload()).isInstanceOf(event.getPayload().getClass());
    assertThat(back).isEqualTo(event);
  }

  @Test
  void framesTheBodyWithMagicByteAndTheRegisteredIdBigEndian() {
    RecordedEvent event = TestEvents.http();
    byte[] bytes = serializer.serialize(TOPIC, event);

    int id = registry.getLatest(TOPIC + "-value").id();
    assertThat(bytes[0]).isZero();
    assertThat(Arrays.copyOfRange(bytes, 1, 5)).containsExactly(0, 0, 0, id);
    assertThat(WireFormat.schemaId(bytes)).isEqualTo(id);
    assertThat(Arrays.copyOfRange(bytes, 5, bytes.length)).isEqualTo(Schemas.avroBinary(event));
  }

  @Test
  void writesAllFourIdBytesInNetworkOrder() {
    SchemaRegistryClient fixedId =
        (SchemaRegistryClient)
            Proxy.newProxyInstance(
                SchemaRegistryClient.class.getClassLoader(),
                new Class<?>[] {SchemaRegistryClient.class},
                (proxy, method, args) ->
                    switch (method.getName()) {
                      case "register" -> 0x01FF80FE;
                      case "getById" -> RecordedEvent.getClassSchema();
                      default -> throw new UnsupportedOperationException(method.getName());
                    });

    byte[] bytes = new AvroSerializer<RecordedEvent>(fixedId).serialize(TOPIC, TestEvents.marker());

    assertThat(Arrays.copyOfRange(bytes, 1, 5)).containsExactly(0x01, 0xFF, 0x80, 0xFE);
    assertThat(WireFormat.schemaId(bytes)).isEqualTo(0x01FF80FE);
    assertThat(new AvroDeserializer<RecordedEvent>(fixedId).deserialize(TOPIC, bytes))
        .isEqualTo(TestEvents.marker());
  }

  @Test
  void passesNullThroughBothWays() {
    assertThat(serializer.serialize(TOPIC, null)).isNull();
    assertThat(deserializer.deserialize(TOPIC, (byte[]) null)).isNull();
    assertThat(deserializer.deserialize(TOPIC, null, (ByteBuffer) null)).isNull();
  }

  @Test
  void asksTheRegistryOnlyOnceForManyRecords() {
    RecordingClient recording = new RecordingClient(registry);
    AvroSerializer<RecordedEvent> counted = new AvroSerializer<>(recording.client);
    AvroDeserializer<RecordedEvent> countedReader = new AvroDeserializer<>(recording.client);

    for (int i = 0; i < 500; i++) {
      for (RecordedEvent event : TestEvents.all()) {
        assertThat(countedReader.deserialize(TOPIC, counted.serialize(TOPIC, event)))
            .isEqualTo(event);
      }
    }

    assertThat(recording.calls).containsExactly("register", "getById");
  }

  @Test
  void registersUnderTheSubjectOfTheConfiguredStrategy() {
    RecordedEvent event = TestEvents.valueRead();
    new AvroSerializer<RecordedEvent>(registry).serialize("a", event);
    new AvroSerializer<RecordedEvent>(registry, Map.of(), true).serialize("b", event);
    new AvroSerializer<RecordedEvent>(
            registry, Map.of(SerdeConfig.VALUE_SUBJECT_NAME_STRATEGY, "record"), false)
        .serialize("c", event);
    new AvroSerializer<RecordedEvent>(
            registry,
            Map.of(
                SerdeConfig.KEY_SUBJECT_NAME_STRATEGY,
                "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy"),
            true)
        .serialize("d", event);

    assertThat(registry.subjects())
        .containsExactlyInAnyOrder(
            "a-value",
            "b-key",
            "io.retrace.schemas.event.RecordedEvent",
            "d-io.retrace.schemas.event.RecordedEvent");
  }

  @Test
  void readsGenericRecordsWhenTheSpecificReaderIsOff() {
    RecordedEvent event = TestEvents.jdbc();
    AvroDeserializer<GenericRecord> generic =
        new AvroDeserializer<>(registry, Map.of(SerdeConfig.SPECIFIC_AVRO_READER, "false"), false);

    GenericRecord back = generic.deserialize(TOPIC, serializer.serialize(TOPIC, event));

    assertThat(back).isNotInstanceOf(RecordedEvent.class);
    assertThat(back.getSchema()).isEqualTo(RecordedEvent.getClassSchema());
    assertThat(back.get("eventId")).hasToString(event.getEventId());
    assertThat(back.get("wallTimeMicros")).isEqualTo(1_700_000_000_123_456L);
    assertThat(((GenericRecord) back.get("payload")).get("sql"))
        .hasToString("select id, name, price, photo from product where id in (?, ?)");
  }

  @Test
  void readsGenericWritesIntoTheGeneratedClassOfTheSameName() {
    RecordedEvent event = TestEvents.methodCall();
    AvroSerializer<GenericRecord> generic = new AvroSerializer<>(registry);

    byte[] bytes =
        generic.serialize(TOPIC, Schemas.asGeneric(event, RecordedEvent.getClassSchema()));

    assertThat(deserializer.deserialize(TOPIC, bytes)).isEqualTo(event);
  }

  @Test
  void readsGenericRecordsWhoseNameIsAClassAvroDoesNotTrust() {
    Schema named =
        Schemas.parseSchema(
            "{\"type\":\"record\",\"name\":\"ArrayList\",\"namespace\":\"java.util\","
                + "\"fields\":[{\"name\":\"size\",\"type\":\"int\"}]}");
    GenericRecord record = new GenericData.Record(named);
    record.put("size", 3);

    Object back =
        new AvroDeserializer<Object>(registry)
            .deserialize(
                TOPIC, new AvroSerializer<GenericRecord>(registry).serialize(TOPIC, record));

    assertThat(back).isEqualTo(record);
  }

  @Test
  void readsDataOfAnOlderSchemaWithTheNewFieldsDefaulted() {
    RecordedEvent event = TestEvents.http();
    AvroSerializer<GenericRecord> older = new AvroSerializer<>(registry);
    byte[] old = older.serialize(TOPIC, Schemas.asGeneric(event, Schemas.olderRecordedEvent()));

    RecordedEvent back = deserializer.deserialize(TOPIC, old);

    RecordedEvent expected =
        RecordedEvent.newBuilder(event)
            .setRedactions(List.of())
            .setRedactionPolicy(null)
            .setAttributes(Map.of())
            .setOrigin(Origin.newBuilder(event.getOrigin()).setPid(0).build())
            .build();
    assertThat(back).isEqualTo(expected);
    // The current schema may follow the older one under BACKWARD compatibility.
    serializer.serialize(TOPIC, event);
    assertThat(registry.versions(TOPIC + "-value")).containsExactly(1, 2);
  }

  @Test
  void readsIntoTheClassNamedInTheConfigurationEvenWithTheSpecificReaderOff() {
    RecordedEvent event = TestEvents.marker();
    byte[] bytes =
        new AvroSerializer<GenericRecord>(registry)
            .serialize(TOPIC, Schemas.asGeneric(event, RecordedEvent.getClassSchema()));
    AvroDeserializer<RecordedEvent> typed =
        new AvroDeserializer<>(
            registry,
            Map.of(
                SerdeConfig.SPECIFIC_AVRO_VALUE_TYPE,
                RecordedEvent.class.getName(),
                SerdeConfig.SPECIFIC_AVRO_READER,
                false),
            false);

    assertThat(typed.deserialize(TOPIC, bytes)).isEqualTo(event);
  }

  @Test
  void looksTheSchemaUpInsteadOfRegisteringWhenAutoRegisterIsOff() {
    Map<String, Object> lookupOnly = Map.of(SerdeConfig.AUTO_REGISTER_SCHEMAS, false);
    AvroSerializer<RecordedEvent> strict = new AvroSerializer<>(registry, lookupOnly, false);

    assertThatThrownBy(() -> strict.serialize(TOPIC, TestEvents.marker()))
        .isInstanceOfSatisfying(
            WireFormatException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_SCHEMA_ID))
        .hasMessageContaining("topic " + TOPIC)
        .hasMessageContaining("subject " + TOPIC + "-value");

    int id = registry.register(TOPIC + "-value", RecordedEvent.getClassSchema());
    AvroSerializer<RecordedEvent> afterRegistration =
        new AvroSerializer<>(registry, lookupOnly, false);
    assertThat(WireFormat.schemaId(afterRegistration.serialize(TOPIC, TestEvents.marker())))
        .isEqualTo(id);
    assertThat(registry.versions(TOPIC + "-value")).containsExactly(1);
  }

  @Test
  void writesWithTheLatestVersionWhenAskedTo() {
    Schema newer =
        Schemas.recordedEventWith("{\"name\":\"note\",\"type\":\"string\",\"default\":\"n/a\"}");
    String subject = TOPIC + "-value";
    registry.register(subject, RecordedEvent.getClassSchema());
    int newerId = registry.register(subject, newer);
    AvroSerializer<RecordedEvent> latest =
        new AvroSerializer<>(
            registry,
            Map.of(
                SerdeConfig.AUTO_REGISTER_SCHEMAS, "false", SerdeConfig.USE_LATEST_VERSION, "true"),
            false);
    RecordedEvent event = TestEvents.jdbc();

    byte[] bytes = latest.serialize(TOPIC, event);

    assertThat(WireFormat.schemaId(bytes)).isEqualTo(newerId);
    GenericRecord generic =
        new AvroDeserializer<GenericRecord>(
                registry, Map.of(SerdeConfig.SPECIFIC_AVRO_READER, false), false)
            .deserialize(TOPIC, bytes);
    assertThat(generic.get("note")).hasToString("n/a");
    assertThat(deserializer.deserialize(TOPIC, bytes)).isEqualTo(event);
  }

  @Test
  void refusesALatestVersionThatCannotRepresentTheRecord() {
    String subject = TOPIC + "-value";
    registry.setCompatibility(subject, "NONE");
    registry.register(
        subject, Schemas.recordedEventWith("{\"name\":\"tenant\",\"type\":\"string\"}"));
    AvroSerializer<RecordedEvent> latest =
        new AvroSerializer<>(
            registry,
            Map.of(SerdeConfig.AUTO_REGISTER_SCHEMAS, false, SerdeConfig.USE_LATEST_VERSION, true),
            false);

    assertThatThrownBy(() -> latest.serialize(TOPIC, TestEvents.marker()))
        .isInstanceOfSatisfying(
            WireFormatException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.INCOMPATIBLE_SCHEMA))
        .hasMessageContaining("tenant: READER_FIELD_MISSING_DEFAULT_VALUE");
  }

  @Test
  void readsFromByteBuffersWithoutMovingThem() {
    RecordedEvent event = TestEvents.valueRead();
    byte[] bytes = serializer.serialize(TOPIC, event);
    byte[] padded = new byte[bytes.length + 7];
    System.arraycopy(bytes, 0, padded, 3, bytes.length);
    ByteBuffer slice = ByteBuffer.wrap(padded, 3, bytes.length).slice();
    ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();

    assertThat(deserializer.deserialize(TOPIC, null, slice)).isEqualTo(event);
    assertThat(deserializer.deserialize(TOPIC, null, direct)).isEqualTo(event);
    assertThat(slice.position()).isZero();
    assertThat(direct.position()).isZero();
  }

  @Test
  void decodesTheKeyOrTheValueOfARawConsumerRecord() {
    RecordedEvent key = TestEvents.marker();
    RecordedEvent value = TestEvents.exception();
    byte[] keyBytes =
        new AvroSerializer<RecordedEvent>(registry, Map.of(), true).serialize(TOPIC, key);
    ConsumerRecord<byte[], byte[]> record =
        new ConsumerRecord<>(TOPIC, 0, 5L, keyBytes, serializer.serialize(TOPIC, value));

    assertThat(deserializer.deserialize(record)).isEqualTo(value);
    assertThat(new AvroDeserializer<RecordedEvent>(registry, Map.of(), true).deserialize(record))
        .isEqualTo(key);
  }

  @Test
  void serdeFactoriesPinTheReadingMode() {
    RecordedEvent event = TestEvents.http();
    try (AvroSerde<RecordedEvent> specific =
            AvroSerde.specific(RecordedEvent.class, registry, Map.of(), false);
        AvroSerde<GenericRecord> generic = AvroSerde.generic(registry, Map.of(), false)) {
      // A later configure() with the opposite setting must not change what the serde reads.
      specific.configure(Map.of(SerdeConfig.SPECIFIC_AVRO_READER, false), false);
      generic.configure(Map.of(SerdeConfig.SPECIFIC_AVRO_READER, true), false);
      byte[] bytes = specific.serializer().serialize(TOPIC, event);

      assertThat(specific.deserializer().deserialize(TOPIC, bytes)).isEqualTo(event);
      assertThat(generic.deserializer().deserialize(TOPIC, bytes))
          .isNotInstanceOf(RecordedEvent.class)
          .extracting(r -> r.get("eventId").toString())
          .isEqualTo(event.getEventId());
    }
  }

  @Test
  void keepsWorkingAfterARecordThatCannotBeWritten() {
    // Fails at the thread field, after the fields before it went into the encoder's buffer.
    RecordedEvent broken = RecordedEvent.newBuilder(TestEvents.marker()).build();
    broken.setThread(null);

    assertThatThrownBy(() -> serializer.serialize(TOPIC, broken))
        .isInstanceOfSatisfying(
            WireFormatException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.SERIALIZATION_FAILED))
        .hasMessageStartingWith("[SERIALIZATION_FAILED] topic " + TOPIC + ": cannot write");
    RecordedEvent event = TestEvents.marker();
    assertThat(deserializer.deserialize(TOPIC, serializer.serialize(TOPIC, event)))
        .isEqualTo(event);
  }

  @Test
  void rejectsValuesThatAreNotAvroRecords() {
    @SuppressWarnings({"unchecked", "rawtypes"})
    AvroSerializer<Object> raw = (AvroSerializer) serializer;

    assertThatThrownBy(() -> raw.serialize(TOPIC, "plain string"))
        .isInstanceOfSatisfying(
            WireFormatException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.SERIALIZATION_FAILED))
        .hasMessageContaining("java.lang.String");
  }

  @Test
  void usesTheLatestVersionItselfWhenItIsTheRecordsSchema() {
    int id = registry.register(TOPIC + "-value", RecordedEvent.getClassSchema());
    RecordingClient recording = new RecordingClient(registry);
    AvroSerializer<RecordedEvent> latest =
        new AvroSerializer<>(
            recording.client,
            Map.of(SerdeConfig.AUTO_REGISTER_SCHEMAS, false, SerdeConfig.USE_LATEST_VERSION, true),
            false);

    byte[] first = latest.serialize(TOPIC, TestEvents.marker());
    latest.serialize(TOPIC, TestEvents.marker());

    assertThat(WireFormat.schemaId(first)).isEqualTo(id);
    assertThat(recording.calls).containsExactly("getLatest");
    assertThat(Arrays.copyOfRange(first, 5, first.length))
        .isEqualTo(Schemas.avroBinary(TestEvents.marker()));
  }
}
