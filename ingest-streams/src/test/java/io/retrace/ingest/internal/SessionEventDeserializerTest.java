package io.retrace.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.retrace.schemas.event.Body;
import io.retrace.schemas.event.ErrorInfo;
import io.retrace.schemas.event.ExceptionEvent;
import io.retrace.schemas.event.HttpExchange;
import io.retrace.schemas.event.MarkerType;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.event.SessionSummary;
import io.retrace.schemas.event.ValueSource;
import io.retrace.schemas.registry.InMemorySchemaRegistryClient;
import io.retrace.schemas.serde.AvroSerde;
import io.retrace.schemas.serde.WireFormatException;
import io.retrace.testkit.EventBuilder;
import io.retrace.testkit.Events;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;

class SessionEventDeserializerTest {
  private static final String TOPIC = "retrace.events";
  private static final Instant T0 = Instant.parse("2026-11-28T10:00:00.123456Z");

  private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
  private final AvroSerde<RecordedEvent> serde =
      AvroSerde.specific(
          RecordedEvent.class, registry, Map.of("schema.registry.url", "http://unused"), false);
  private final AtomicInteger fullDecodes = new AtomicInteger();
  private final Deserializer<RecordedEvent> full =
      (topic, data) -> {
        fullDecodes.incrementAndGet();
        return serde.deserializer().deserialize(topic, data);
      };
  private final SessionEventDeserializer sessions = new SessionEventDeserializer(registry, full);

  @Test
  void sessionizesEveryKindOfEventExactlyLikeAFullDecode() {
    EventBuilder b = Events.event().recording("r1").session("s1").trace("t-9").at(T0);
    RecordedEvent withBodies = b.httpClient("POST", "http://pay/charge", 201);
    HttpExchange exchange = (HttpExchange) withBodies.getPayload();
    exchange.setRoute("/charge");
    exchange.setRequestBody(
        new Body(ByteBuffer.wrap("{\"a\":1}".getBytes(StandardCharsets.UTF_8)), null, false, 7L));
    exchange.setError(new ErrorInfo("java.net.SocketTimeoutException", "read timed out", "at x"));
    EventBuilder background = Events.event().recording("r1").session(null).thread("pool-1").at(T0);
    Map<String, String> attributes = new HashMap<>();
    attributes.put(Sessionizer.BACKGROUND_ATTRIBUTE, "true");
    attributes.put("team", "payments");
    RecordedEvent marked = Sessionizer.withSession(background.marker(MarkerType.GAP, 3));
    RecordedEvent uncaught = b.exception("java.lang.IllegalStateException", "boom");
    ((ExceptionEvent) uncaught.getPayload()).setUncaught(true);
    marked.setAttributes(attributes);
    List<RecordedEvent> events =
        List.of(
            b.httpServer("GET", "/orders/17?expand=items", 200),
            b.httpServer("POST", "/pay", 503),
            withBodies,
            b.jdbcQuery("select * from t", List.of("id", "name"), List.of(List.of("1", "a"))),
            b.jdbcUpdate("update t set a = ?", List.of(5L, "x", 2.5), 1),
            b.exception("java.lang.IllegalArgumentException", null),
            uncaught,
            b.marker(MarkerType.GAP, 12),
            b.marker(MarkerType.RECORDING_STOP, 0),
            b.value(ValueSource.UUID, "java.util.UUID#randomUUID", "u-1"),
            b.methodCall("com.acme.Orders", "place", "[{\"id\":1}]", "{\"ok\":true}"),
            b.uuid(UUID.randomUUID()),
            marked);

    for (RecordedEvent event : events) {
      byte[] value = serde.serializer().serialize(TOPIC, event);
      RecordedEvent read = sessions.deserialize(TOPIC, value);
      RecordedEvent decoded = serde.deserializer().deserialize(TOPIC, value);

      SessionSummary fromRead = Sessionizer.add(null, read);
      assertThat(fromRead).as(event.getKind().toString()).isEqualTo(Sessionizer.add(null, decoded));
      SessionSummary earlier = Sessionizer.add(null, events.get(0));
      assertThat(Sessionizer.add(earlier, read)).isEqualTo(Sessionizer.add(earlier, decoded));
      assertThat(Sessionizer.sessionIdOf(read)).isEqualTo(Sessionizer.sessionIdOf(decoded));
      assertThat(Sessionizer.isBackground(read)).isEqualTo(Sessionizer.isBackground(decoded));
    }
    assertThat(fullDecodes).as("values read without the full decode").hasValue(0);
  }

  @Test
  void aValueThatDoesNotDecodeFailsAsTheFullDeserializerFails() {
    byte[] good = serde.serializer().serialize(TOPIC, Events.event().httpServer("GET", "/", 200));
    byte[] truncated = Arrays.copyOf(good, good.length - 3);
    byte[] trailing = Arrays.copyOf(good, good.length + 1);
    byte[] unknownId = good.clone();
    unknownId[4] = 99;

    for (byte[] bad : List.of(new byte[] {9, 9, 9}, truncated, trailing, unknownId)) {
      WireFormatException expected =
          catchThrowableOfType(
              WireFormatException.class, () -> serde.deserializer().deserialize(TOPIC, bad));
      WireFormatException actual =
          catchThrowableOfType(WireFormatException.class, () -> sessions.deserialize(TOPIC, bad));
      assertThat(actual).isNotNull();
      assertThat(actual.reason()).isEqualTo(expected.reason());
    }
    assertThat(sessions.deserialize(TOPIC, null)).isNull();
  }
}
