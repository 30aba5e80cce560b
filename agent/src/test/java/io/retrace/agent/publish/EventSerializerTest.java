package io.retrace.agent.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retrace.schemas.event.Body;
import io.retrace.schemas.event.EventKind;
import io.retrace.schemas.event.Header;
import io.retrace.schemas.event.HttpExchange;
import io.retrace.schemas.event.JdbcCall;
import io.retrace.schemas.event.JdbcOperation;
import io.retrace.schemas.event.JdbcParameter;
import io.retrace.schemas.event.MarkerType;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.event.RedactionAction;
import io.retrace.schemas.event.RedactionNote;
import io.retrace.schemas.event.ResultColumn;
import io.retrace.schemas.event.ResultSetData;
import io.retrace.schemas.event.ValueSource;
import io.retrace.schemas.registry.InMemorySchemaRegistryClient;
import io.retrace.schemas.serde.AvroDeserializer;
import io.retrace.schemas.serde.AvroSerializer;
import io.retrace.schemas.serde.SerdeConfig;
import io.retrace.schemas.serde.WireFormat;
import io.retrace.schemas.serde.WireFormatException;
import io.retrace.testkit.EventBuilder;
import io.retrace.testkit.Events;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class EventSerializerTest {
  private static final String TOPIC = "retrace.rec.rec-1";

  private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
  private final AvroSerializer<RecordedEvent> avro = new AvroSerializer<>(registry);
  private final AvroDeserializer<RecordedEvent> reader =
      new AvroDeserializer<>(
          registry, Map.of(SerdeConfig.SPECIFIC_AVRO_VALUE_TYPE, RecordedEvent.class), false);
  private final EventSerializer serializer = new EventSerializer(registry, Map.of());

  @Test
  void everyKindOfEventIsWrittenAsAvroSerializerWritesItAndReadsBackEqual() {
    List<RecordedEvent> events = events("rec-1");
    // Twice: the first event of the topic is AvroSerializer's own; every later one is encoded here.
    for (int pass = 0; pass < 2; pass++) {
      for (RecordedEvent event : events) {
        byte[] bytes = serializer.serialize(TOPIC, event);

        assertThat(bytes).as("%s", event).isEqualTo(avro.serialize(TOPIC, event));
        assertThat(reader.deserialize(TOPIC, bytes)).isEqualTo(event);
      }
    }
  }

  @Test
  void eachTopicIsFramedWithTheIdItsSubjectHasInTheRegistry() {
    EventBuilder b = Events.event().recording("rec-1");
    List<RecordedEvent> events = List.of(b.uuid(UUID.randomUUID()), b.marker(MarkerType.GAP, 3));

    for (String topic : List.of("retrace.rec.a", "retrace.rec.b", "retrace.rec.a")) {
      for (RecordedEvent event : events) {
        byte[] bytes = serializer.serialize(topic, event);

        assertThat(bytes).isEqualTo(avro.serialize(topic, event));
        assertThat(WireFormat.schemaId(bytes))
            .isEqualTo(registry.lookup(topic + "-value", RecordedEvent.getClassSchema()).id());
      }
    }
  }

  @Test
  void aValueOnlyTheDatumWriterKnowsIsWrittenByItAndTheNextEventIsUnaffected() {
    EventBuilder b = Events.event().recording("rec-1");
    RecordedEvent warm = b.uuid(UUID.randomUUID());
    // A BigDecimal (an Avro "stringable") late in the event, after the fast path wrote most of it.
    RecordedEvent decimal =
        b.jdbcQuery(
            "select price from product",
            List.of("price"),
            List.of(List.of("a"), List.of(new BigDecimal("2.50"))));
    RecordedEvent after = b.httpServer("GET", "http://orders.local/orders/1", 200);

    serializer.serialize(TOPIC, warm);
    byte[] bytes = serializer.serialize(TOPIC, decimal);

    assertThat(bytes).isEqualTo(avro.serialize(TOPIC, decimal));
    ResultSetData rows = ((JdbcCall) reader.deserialize(TOPIC, bytes).getPayload()).getResultSet();
    assertThat(rows.getRows()).containsExactly(List.of("a"), List.of("2.50"));
    assertThat(serializer.serialize(TOPIC, after)).isEqualTo(avro.serialize(TOPIC, after));
  }

  @Test
  void anEventNeitherPathCanWriteFailsAsWithAvroSerializerAndTheNextEventIsUnaffected() {
    EventBuilder b = Events.event().recording("rec-1");
    RecordedEvent unwritable = b.jdbcUpdate("update t set x = ?", List.of("ok", new Object()), 1);
    RecordedEvent noId = b.uuid(UUID.randomUUID());
    noId.setEventId(null);
    RecordedEvent after = b.value(ValueSource.RANDOM, "java.util.Random#nextInt", 7);
    serializer.serialize(TOPIC, b.uuid(UUID.randomUUID()));

    for (RecordedEvent bad : List.of(unwritable, noId)) {
      assertThatThrownBy(() -> avro.serialize(TOPIC, bad))
          .isInstanceOf(WireFormatException.class)
          .extracting(e -> ((WireFormatException) e).reason())
          .isEqualTo(WireFormatException.Reason.SERIALIZATION_FAILED);
      assertThatThrownBy(() -> serializer.serialize(TOPIC, bad))
          .isInstanceOf(WireFormatException.class)
          .extracting(e -> ((WireFormatException) e).reason())
          .isEqualTo(WireFormatException.Reason.SERIALIZATION_FAILED);
    }
    assertThat(serializer.serialize(TOPIC, after)).isEqualTo(avro.serialize(TOPIC, after));
  }

  @Test
  void withTheSubjectsLatestSchemaEveryEventIsWrittenAsAvroSerializerRewritesIt() {
    Schema latest = withExtraField(RecordedEvent.getClassSchema());
    registry.register(TOPIC + "-value", latest);
    Map<String, Object> config =
        Map.of(SerdeConfig.AUTO_REGISTER_SCHEMAS, false, SerdeConfig.USE_LATEST_VERSION, true);
    AvroSerializer<RecordedEvent> rewriting = new AvroSerializer<>(registry, config, false);
    EventSerializer latestSerializer = new EventSerializer(registry, config);

    for (RecordedEvent event : events("rec-1")) {
      byte[] bytes = latestSerializer.serialize(TOPIC, event);

      assertThat(bytes).isEqualTo(rewriting.serialize(TOPIC, event));
      assertThat(registry.getById(WireFormat.schemaId(bytes))).isEqualTo(latest);
    }
  }

  @Test
  void aBodyLargerThanTheRetainedBufferIsWrittenWholeAndSmallEventsFollowIt() {
    EventBuilder b = Events.event().recording("rec-1");
    RecordedEvent large = b.httpServer("POST", "http://orders.local/upload", 201);
    byte[] upload = new byte[3 << 20];
    Arrays.fill(upload, (byte) 'x');
    ((HttpExchange) large.getPayload())
        .setRequestBody(new Body(ByteBuffer.wrap(upload), "text/plain", false, 3L << 20));
    RecordedEvent small = b.uuid(UUID.randomUUID());
    serializer.serialize(TOPIC, small);

    for (RecordedEvent event : List.of(large, small, large, small)) {
      byte[] bytes = serializer.serialize(TOPIC, event);

      assertThat(bytes).isEqualTo(avro.serialize(TOPIC, event));
      assertThat(reader.deserialize(TOPIC, bytes)).isEqualTo(event);
    }
  }

  /** Every payload kind and union branch, nulls, non-ASCII text, and a body of a few hundred KB. */
  static List<RecordedEvent> events(String recording) {
    List<RecordedEvent> events = new ArrayList<>();
    EventBuilder b = Events.event().recording(recording).session("s-ü-1").trace("trace-1");
    RecordedEvent inbound = b.httpServer("POST", "http://orders.local/orders?q=straße", 201);
    HttpExchange exchange = (HttpExchange) inbound.getPayload();
    exchange.setRequestHeaders(
        List.of(
            new Header("Content-Type", "application/json; charset=utf-8"),
            new Header("X-Note", "naïve café ☕ 𝄞 日本語")));
    exchange.setRequestBody(EventBuilder.json("{\"name\":\"Zoë\",\"emoji\":\"🎉\",\"qty\":2}"));
    exchange.setRoute("/orders/{ü}");
    inbound.setRedactions(
        List.of(
            new RedactionNote(
                "auth", "requestHeaders.Authorization", RedactionAction.MASK, "agent")));
    inbound.setRedactionPolicy("policy-hash");
    inbound.setAttributes(Map.of("tenant", "t1", "région", "eu-west"));
    events.add(inbound);

    RecordedEvent client = b.httpClient("GET", "http://pricing.local/quote", 200);
    ((HttpExchange) client.getPayload())
        .setResponseBody(EventBuilder.json("{\"price\":" + "1234567890".repeat(40_000) + "}"));
    events.add(client);

    events.add(
        b.jdbcQuery(
            "select * from product where name = ?",
            List.of("id", "name", "price", "active", "ratio", "score", "blob", "missing"),
            List.of(
                Arrays.asList(
                    1,
                    "espresso ☕",
                    2L,
                    true,
                    1.5d,
                    2.5f,
                    ByteBuffer.wrap(new byte[] {1, 2}),
                    null),
                Arrays.asList(
                    Integer.MIN_VALUE,
                    "",
                    Long.MAX_VALUE,
                    false,
                    -0.0d,
                    Float.NaN,
                    ByteBuffer.allocate(0),
                    null))));
    events.add(
        b.jdbcUpdate(
            "insert into orders values (?, ?, ?, ?)", Arrays.asList("id-1", 2, null, "5.00 €"), 1));
    JdbcCall batch =
        new JdbcCall(
            JdbcOperation.BATCH,
            "insert into audit values (?)",
            "jdbc:h2:mem:orders",
            List.of(
                new JdbcParameter(0, 1, "who", "VARCHAR", "Łukasz"),
                new JdbcParameter(1, 1, null, null, 3L)),
            new ResultSetData(List.of(new ResultColumn("N", null, 4, null)), List.of(), true),
            List.of(1L, 1L, -2L),
            99L,
            new io.retrace.schemas.event.ErrorInfo("java.sql.SQLException", "dup ключ", null));
    events.add(b.of(EventKind.JDBC, batch));
    events.add(b.uuid(UUID.randomUUID()));
    events.add(b.value(ValueSource.INSTANT_NOW, "java.time.Clock#instant", 1_764_000_000_123L));
    events.add(b.value(ValueSource.RANDOM, null, null));
    events.add(b.methodCall("com.acme.Pricing", "quote", "[1,\"ü\"]", "2.5"));
    events.add(b.exception("java.lang.IllegalStateException", null));
    events.add(b.marker(MarkerType.GAP, 12));
    RecordedEvent background =
        Events.event()
            .recording(recording)
            .session(null)
            .parentCall(5L)
            .marker(MarkerType.RECORDING_START, 0);
    background.setWallTimeMicros(Instant.ofEpochSecond(-5, 123_456_000));
    events.add(background);
    return events;
  }

  /** {@code schema} with one more optional field: a different, compatible version of it. */
  private static Schema withExtraField(Schema schema) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : schema.getFields()) {
      fields.add(new Schema.Field(f, f.schema()));
    }
    fields.add(
        new Schema.Field(
            "note",
            Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
            null,
            JsonProperties.NULL_VALUE));
    return Schema.createRecord(
        schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
  }
}
