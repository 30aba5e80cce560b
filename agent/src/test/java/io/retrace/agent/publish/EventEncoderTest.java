package io.retrace.agent.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.retrace.schemas.event.Body;
import io.retrace.schemas.event.Correlation;
import io.retrace.schemas.event.ErrorInfo;
import io.retrace.schemas.event.EventKind;
import io.retrace.schemas.event.ExceptionEvent;
import io.retrace.schemas.event.Header;
import io.retrace.schemas.event.HttpExchange;
import io.retrace.schemas.event.JdbcCall;
import io.retrace.schemas.event.JdbcOperation;
import io.retrace.schemas.event.JdbcParameter;
import io.retrace.schemas.event.Marker;
import io.retrace.schemas.event.MarkerType;
import io.retrace.schemas.event.MethodCall;
import io.retrace.schemas.event.Origin;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.event.RedactionAction;
import io.retrace.schemas.event.RedactionNote;
import io.retrace.schemas.event.ResultColumn;
import io.retrace.schemas.event.ResultSetData;
import io.retrace.schemas.event.ThreadInfo;
import io.retrace.schemas.event.ValueRead;
import io.retrace.schemas.event.ValueSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

class EventEncoderTest {
  private static final Origin ORIGIN =
      new Origin("orders", "1.2", null, "host-1", null, null, null, null, "agent-1", 42L);

  @Test
  void httpExchangeIsEncodedAsTheDatumWriterEncodesIt() throws IOException {
    HttpExchange http =
        new HttpExchange(
            "POST",
            "http://127.0.0.1:8080/orders",
            null,
            List.of(new Header("X-Request-Id", "r-1"), new Header("Content-Type", "text/json")),
            body("{\"product\":1}"),
            201,
            List.of(new Header("Content-Length", "12")),
            body("{\"id\":\"a\"}"),
            1_234_567L,
            null);
    RecordedEvent event = event(EventKind.HTTP_SERVER, http, "s-1", 7L);
    event.setRedactions(
        List.of(
            new RedactionNote(
                "auth", "requestHeaders.Authorization", RedactionAction.MASK, "agent")));
    event.setRedactionPolicy("policy-hash");
    event.setAttributes(Map.of("tenant", "t1"));

    assertEncodesLikeDatumWriter(event);
  }

  @Test
  void jdbcCallsWithEveryValueTypeAreEncodedAsTheDatumWriterEncodesThem() throws IOException {
    ResultSetData rows =
        new ResultSetData(
            List.of(
                new ResultColumn("ID", "id", 12, "VARCHAR"),
                new ResultColumn("QTY", null, 4, null)),
            List.of(
                Arrays.asList(
                    "a", 2, 3L, true, 1.5d, 2.5f, ByteBuffer.wrap(new byte[] {1, 2}), null),
                Arrays.asList("b", -1, Long.MIN_VALUE, false, -0.0d, Float.NaN, null, "12.50")),
            true);
    JdbcCall query =
        new JdbcCall(
            JdbcOperation.QUERY,
            "select * from orders where id = ?",
            null,
            List.of(
                new JdbcParameter(0, 1, null, null, "a"),
                new JdbcParameter(2, 2, "qty", "INTEGER", 7),
                new JdbcParameter(0, 3, null, null, null)),
            rows,
            List.of(),
            99L,
            new ErrorInfo("java.sql.SQLException", "boom", null));
    JdbcCall update =
        new JdbcCall(
            JdbcOperation.BATCH,
            "insert",
            "jdbc:h2:mem:x",
            List.of(),
            null,
            List.of(1L, 0L),
            5L,
            null);

    assertEncodesLikeDatumWriter(event(EventKind.JDBC, query, "s-1", 3L));
    assertEncodesLikeDatumWriter(event(EventKind.JDBC, update, null, null));
  }

  @Test
  void valueReadsMethodCallsExceptionsAndMarkersAreEncodedAsTheDatumWriterEncodesThem()
      throws IOException {
    assertEncodesLikeDatumWriter(
        event(
            EventKind.VALUE_READ,
            new ValueRead(ValueSource.UUID, "Orders.create", null, "0b9d-uuid"),
            "s-1",
            1L));
    assertEncodesLikeDatumWriter(
        event(
            EventKind.VALUE_READ,
            new ValueRead(ValueSource.INSTANT_NOW, null, "k", 1_700_000_000_123_456_789L),
            "s-1",
            1L));
    assertEncodesLikeDatumWriter(
        event(
            EventKind.METHOD_CALL,
            new MethodCall("com.acme.Pricing", "quote", "(I)D", "[1]", "2.5", null, 10L),
            "s-2",
            null));
    assertEncodesLikeDatumWriter(
        event(
            EventKind.EXCEPTION,
            new ExceptionEvent(
                new ErrorInfo("java.lang.IllegalStateException", null, "at x"), true),
            null,
            null));
    assertEncodesLikeDatumWriter(
        event(
            EventKind.MARKER, new Marker(MarkerType.GAP, 12L, "capture buffer full"), null, null));
  }

  @Test
  void aWallTimeBeforeTheEpochIsEncodedAsTheDatumWriterEncodesIt() throws IOException {
    RecordedEvent event =
        event(EventKind.MARKER, new Marker(MarkerType.RECORDING_START, 0L, null), null, null);
    event.setWallTimeMicros(Instant.ofEpochSecond(-5, 123_456_000));

    assertEncodesLikeDatumWriter(event);
  }

  @Test
  void aValueTheDirectEncodingDoesNotKnowIsLeftToTheDatumWriter() throws IOException {
    JdbcCall call =
        new JdbcCall(
            JdbcOperation.UPDATE,
            "update t set x = ?",
            null,
            List.of(new JdbcParameter(0, 1, null, null, new BigDecimal("1.5"))),
            null,
            List.of(1L),
            1L,
            null);
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(new ByteArrayOutputStream(), null);

    assertThat(new EventEncoder().write(event(EventKind.JDBC, call, "s-1", null), encoder))
        .isFalse();
  }

  @Test
  void oneEncoderWritesEachEventsOwnOriginWhenTheOriginChanges() throws IOException {
    EventEncoder events = new EventEncoder();
    Origin other =
        new Origin("billing", null, null, "host-2", "pod-7", null, null, null, "a-2", 7L);
    ValueRead read = new ValueRead(ValueSource.UUID, null, null, "3f2a");
    RecordedEvent first = event(EventKind.VALUE_READ, read, "s-1", null);
    RecordedEvent second = event(EventKind.VALUE_READ, read, "s-2", null);
    second.setOrigin(other);
    for (RecordedEvent e : List.of(first, first, second, first)) {
      assertEncodesLikeDatumWriter(e, events);
    }
  }

  private static void assertEncodesLikeDatumWriter(RecordedEvent event) throws IOException {
    assertEncodesLikeDatumWriter(event, new EventEncoder());
  }

  private static void assertEncodesLikeDatumWriter(RecordedEvent event, EventEncoder events)
      throws IOException {
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    BinaryEncoder viaWriter = EncoderFactory.get().binaryEncoder(expected, null);
    new SpecificDatumWriter<>(RecordedEvent.class).write(event, viaWriter);
    viaWriter.flush();

    ByteArrayOutputStream actual = new ByteArrayOutputStream();
    BinaryEncoder direct = EncoderFactory.get().binaryEncoder(actual, null);
    assertThat(events.write(event, direct)).isTrue();
    direct.flush();

    assertThat(actual.toByteArray()).isEqualTo(expected.toByteArray());
    RecordedEvent decoded =
        new SpecificDatumReader<>(RecordedEvent.class)
            .read(null, DecoderFactory.get().binaryDecoder(actual.toByteArray(), null));
    assertThat(decoded).isEqualTo(event);
  }

  private static Body body(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return new Body(ByteBuffer.wrap(bytes), "application/json", false, (long) bytes.length);
  }

  private static RecordedEvent event(EventKind kind, Object payload, String session, Long parent) {
    return new RecordedEvent(
        "agent-1-17",
        "rec-1",
        session,
        new Correlation("trace", null, session),
        ORIGIN,
        new ThreadInfo("pool-1-thread-2", 31L, false),
        17L,
        18L,
        parent,
        Instant.ofEpochSecond(1_764_000_000L, 123_456_000),
        987_654_321L,
        kind,
        payload,
        List.of(),
        null,
        Map.of());
  }
}
