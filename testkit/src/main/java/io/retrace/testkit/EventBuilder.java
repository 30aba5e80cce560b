package io.retrace.testkit;

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
import io.retrace.schemas.event.ResultColumn;
import io.retrace.schemas.event.ResultSetData;
import io.retrace.schemas.event.ThreadInfo;
import io.retrace.schemas.event.ValueRead;
import io.retrace.schemas.event.ValueSource;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Builds valid {@link RecordedEvent}s for tests: the envelope (recording, session, origin,
 * sequence, time) is set fluently with sensible defaults, and each terminal method supplies one
 * kind of payload. Sequence numbers and call ids count up per builder, like an agent's do.
 */
public final class EventBuilder {
  private String recordingId = "rec-test";
  private String sessionId = "session-1";
  private String service = "orders";
  private String agentId = "agent-1";
  private String traceId;
  private String requestId;
  private String threadName = "main";
  private long sequence = 1;
  private long callId = 1;
  private Long parentCallId;
  private Instant time = Instant.parse("2026-11-28T10:15:30.123456Z");

  EventBuilder() {}

  public EventBuilder recording(String recordingId) {
    this.recordingId = recordingId;
    return this;
  }

  /** The session id; null for background work. */
  public EventBuilder session(String sessionId) {
    this.sessionId = sessionId;
    return this;
  }

  public EventBuilder service(String service) {
    this.service = service;
    return this;
  }

  public EventBuilder agent(String agentId) {
    this.agentId = agentId;
    return this;
  }

  public EventBuilder trace(String traceId) {
    this.traceId = traceId;
    return this;
  }

  public EventBuilder requestId(String requestId) {
    this.requestId = requestId;
    return this;
  }

  public EventBuilder thread(String threadName) {
    this.threadName = threadName;
    return this;
  }

  /** The sequence number of the next event built. */
  public EventBuilder sequence(long sequence) {
    this.sequence = sequence;
    return this;
  }

  public EventBuilder parentCall(Long parentCallId) {
    this.parentCallId = parentCallId;
    return this;
  }

  /** The wall time of the next event built; each event after it is 1 ms later. */
  public EventBuilder at(Instant time) {
    this.time = time;
    return this;
  }

  public RecordedEvent httpServer(String method, String url, int status) {
    return of(EventKind.HTTP_SERVER, exchange(method, url, status));
  }

  public RecordedEvent httpClient(String method, String url, int status) {
    return of(EventKind.HTTP_CLIENT, exchange(method, url, status));
  }

  /** A query returning {@code rows}, with all columns typed VARCHAR. */
  public RecordedEvent jdbcQuery(String sql, List<String> columns, List<List<Object>> rows) {
    List<ResultColumn> cols = new ArrayList<>();
    for (String c : columns) {
      cols.add(ResultColumn.newBuilder().setName(c).setSqlType(Types.VARCHAR).build());
    }
    ResultSetData data =
        ResultSetData.newBuilder().setColumns(cols).setRows(List.copyOf(rows)).build();
    return of(
        EventKind.JDBC,
        JdbcCall.newBuilder()
            .setOperation(JdbcOperation.QUERY)
            .setSql(sql)
            .setResultSet(data)
            .setDurationNanos(250_000)
            .build());
  }

  public RecordedEvent jdbcUpdate(String sql, List<Object> parameters, long updateCount) {
    List<JdbcParameter> params = new ArrayList<>();
    for (int i = 0; i < parameters.size(); i++) {
      params.add(JdbcParameter.newBuilder().setIndex(i + 1).setValue(parameters.get(i)).build());
    }
    return of(
        EventKind.JDBC,
        JdbcCall.newBuilder()
            .setOperation(JdbcOperation.UPDATE)
            .setSql(sql)
            .setParameters(params)
            .setUpdateCounts(List.of(updateCount))
            .setDurationNanos(180_000)
            .build());
  }

  public RecordedEvent value(ValueSource source, String site, Object value) {
    return of(
        EventKind.VALUE_READ,
        ValueRead.newBuilder().setSource(source).setSite(site).setValue(value).build());
  }

  public RecordedEvent uuid(UUID uuid) {
    return value(ValueSource.UUID, "java.util.UUID#randomUUID", uuid.toString());
  }

  public RecordedEvent methodCall(String className, String method, String argsJson, String result) {
    return of(
        EventKind.METHOD_CALL,
        MethodCall.newBuilder()
            .setClassName(className)
            .setMethodName(method)
            .setArgumentsJson(argsJson)
            .setReturnJson(result)
            .setDurationNanos(40_000)
            .build());
  }

  public RecordedEvent exception(String type, String message) {
    return of(
        EventKind.EXCEPTION,
        ExceptionEvent.newBuilder()
            .setError(ErrorInfo.newBuilder().setType(type).setMessage(message).build())
            .build());
  }

  public RecordedEvent marker(MarkerType type, long droppedCount) {
    return of(
        EventKind.MARKER, Marker.newBuilder().setType(type).setDroppedCount(droppedCount).build());
  }

  /** An event of {@code kind} carrying {@code payload}; advances sequence, call id and time. */
  public RecordedEvent of(EventKind kind, Object payload) {
    RecordedEvent event =
        RecordedEvent.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setRecordingId(recordingId)
            .setSessionId(sessionId)
            .setCorrelation(
                Correlation.newBuilder()
                    .setTraceId(traceId)
                    .setRequestId(requestId != null ? requestId : sessionId)
                    .build())
            .setOrigin(
                Origin.newBuilder()
                    .setService(service)
                    .setVersion("1.0.0")
                    .setHost("host-a")
                    .setPod("orders-7d9f-abcde")
                    .setEnvironment("test")
                    .setAgentId(agentId)
                    .setPid(4242)
                    .build())
            .setThread(ThreadInfo.newBuilder().setName(threadName).setId(1).build())
            .setSequence(sequence++)
            .setCallId(callId++)
            .setParentCallId(parentCallId)
            .setWallTimeMicros(time)
            .setMonotonicNanos(sequence * 1_000_000)
            .setKind(kind)
            .setPayload(payload)
            .setAttributes(Map.of())
            .build();
    time = time.plus(1, ChronoUnit.MILLIS);
    return event;
  }

  /** An exchange with a JSON body on each side and a couple of ordinary headers. */
  public static HttpExchange exchange(String method, String url, int status) {
    return HttpExchange.newBuilder()
        .setMethod(method)
        .setUrl(url)
        .setRequestHeaders(
            List.of(new Header("Accept", "application/json"), new Header("X-Request-Id", "req-1")))
        .setStatus(status)
        .setResponseHeaders(List.of(new Header("Content-Type", "application/json")))
        .setResponseBody(json("{\"ok\":true}"))
        .setDurationNanos(1_500_000)
        .build();
  }

  public static Body json(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return Body.newBuilder()
        .setBytes(ByteBuffer.wrap(bytes))
        .setContentType("application/json")
        .setOriginalSize(bytes.length)
        .build();
  }
}
