package io.retrace.schemas.serde;

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
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Fully populated recorded events, one per payload type, with every optional field set. */
final class TestEvents {
  private TestEvents() {}

  static List<RecordedEvent> all() {
    return List.of(http(), jdbc(), valueRead(), methodCall(), exception(), marker());
  }

  static RecordedEvent http() {
    return event(
        EventKind.HTTP_SERVER,
        HttpExchange.newBuilder()
            .setMethod("POST")
            .setUrl("http://orders.local/orders/42?expand=lines")
            .setRoute("/orders/{id}")
            .setRequestHeaders(
                List.of(header("content-type", "application/json"), header("x-request-id", "r-1")))
            .setRequestBody(body("{\"qty\":3}", false, 9))
            .setStatus(201)
            .setResponseHeaders(List.of(header("location", "/orders/42")))
            .setResponseBody(body("{\"id\":42,\"lines\":[", true, 4096))
            .setDurationNanos(1_234_567)
            .setError(error("java.net.SocketTimeoutException"))
            .build());
  }

  static RecordedEvent jdbc() {
    return event(
        EventKind.JDBC,
        JdbcCall.newBuilder()
            .setOperation(JdbcOperation.QUERY)
            .setSql("select id, name, price, photo from product where id in (?, ?)")
            .setDatabaseUrl("jdbc:postgresql://db/shop")
            .setParameters(
                List.of(
                    parameter(1, 7L),
                    parameter(2, "ABC-1"),
                    JdbcParameter.newBuilder()
                        .setBatch(1)
                        .setIndex(3)
                        .setName("flag")
                        .setSqlType("BOOLEAN")
                        .setValue(true)
                        .build()))
            .setResultSet(
                ResultSetData.newBuilder()
                    .setColumns(
                        List.of(
                            column("id", 4),
                            column("name", 12),
                            column("price", 8),
                            column("photo", -2)))
                    .setRows(
                        List.of(
                            Arrays.asList(7, "Kettle", 19.5d, bytes("png")),
                            Arrays.asList(8, null, 1.25f, bytes("")),
                            Arrays.asList(9L, "Lamp", 3.0d, null)))
                    .setTruncated(true)
                    .build())
            .setUpdateCounts(List.of(1L, 0L, -2L))
            .setDurationNanos(88_000)
            .setError(error("org.postgresql.util.PSQLException"))
            .build());
  }

  static RecordedEvent valueRead() {
    return event(
        EventKind.VALUE_READ,
        ValueRead.newBuilder()
            .setSource(ValueSource.ENVIRONMENT)
            .setSite("java.lang.System#getenv")
            .setKey("REGION")
            .setValue("eu-west-1")
            .build());
  }

  static RecordedEvent methodCall() {
    return event(
        EventKind.METHOD_CALL,
        MethodCall.newBuilder()
            .setClassName("com.example.PriceService")
            .setMethodName("quote")
            .setSignature("(Ljava/lang/String;I)Ljava/math/BigDecimal;")
            .setArgumentsJson("[\"ABC-1\",3]")
            .setReturnJson("\"58.50\"")
            .setThrown(error("java.lang.ArithmeticException"))
            .setDurationNanos(5_000)
            .build());
  }

  static RecordedEvent exception() {
    return event(
        EventKind.EXCEPTION,
        ExceptionEvent.newBuilder()
            .setError(error("java.lang.IllegalStateException"))
            .setUncaught(true)
            .build());
  }

  static RecordedEvent marker() {
    return event(
        EventKind.MARKER,
        Marker.newBuilder()
            .setType(MarkerType.GAP)
            .setDroppedCount(17)
            .setReason("buffer full")
            .build());
  }

  private static RecordedEvent event(EventKind kind, Object payload) {
    return RecordedEvent.newBuilder()
        .setEventId("e-" + kind)
        .setRecordingId("r1")
        .setSessionId("s-9")
        .setCorrelation(
            Correlation.newBuilder()
                .setTraceId("4bf92f3577b34da6a3ce929d0e0e4736")
                .setSpanId("00f067aa0ba902b7")
                .setRequestId("req-1")
                .build())
        .setOrigin(
            Origin.newBuilder()
                .setService("orders")
                .setVersion("1.4.2")
                .setBuildId("b-77")
                .setHost("host-a")
                .setPod("orders-5d9f")
                .setNode("node-3")
                .setRegion("eu-west-1")
                .setEnvironment("staging")
                .setAgentId("agent-1")
                .setPid(4242)
                .build())
        .setThread(ThreadInfo.newBuilder().setName("http-nio-1").setId(31).setVirtual(true).build())
        .setSequence(1001)
        .setCallId(55)
        .setParentCallId(54L)
        .setWallTimeMicros(Instant.ofEpochSecond(1_700_000_000L, 123_456_000))
        .setMonotonicNanos(987_654_321L)
        .setKind(kind)
        .setPayload(payload)
        .setRedactions(
            List.of(
                RedactionNote.newBuilder()
                    .setRule("card-number")
                    .setField("payload.requestBody")
                    .setAction(RedactionAction.MASK)
                    .setStage("agent")
                    .build()))
        .setRedactionPolicy("sha256:abc")
        .setAttributes(Map.of("tenant", "acme", "feature", "beta"))
        .build();
  }

  private static Header header(String name, String value) {
    return Header.newBuilder().setName(name).setValue(value).build();
  }

  private static Body body(String text, boolean truncated, long originalSize) {
    return Body.newBuilder()
        .setBytes(bytes(text))
        .setContentType("application/json")
        .setTruncated(truncated)
        .setOriginalSize(originalSize)
        .build();
  }

  private static ErrorInfo error(String type) {
    return ErrorInfo.newBuilder()
        .setType(type)
        .setMessage("it broke")
        .setStackTrace("at com.example.A.b(A.java:1)")
        .build();
  }

  private static JdbcParameter parameter(int index, Object value) {
    return JdbcParameter.newBuilder()
        .setIndex(index)
        .setName("p" + index)
        .setSqlType("VARCHAR")
        .setValue(value)
        .build();
  }

  private static ResultColumn column(String name, int sqlType) {
    return ResultColumn.newBuilder()
        .setName(name)
        .setLabel(name.toUpperCase(Locale.ROOT))
        .setSqlType(sqlType)
        .setTypeName("T" + sqlType)
        .build();
  }

  private static ByteBuffer bytes(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
  }
}
