package io.retrace.archiver.format;

import io.retrace.schemas.event.AuditEvent;
import io.retrace.schemas.event.ErrorInfo;
import io.retrace.schemas.event.ExceptionEvent;
import io.retrace.schemas.event.HttpExchange;
import io.retrace.schemas.event.JdbcCall;
import io.retrace.schemas.event.MethodCall;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.event.RecordingInfo;
import io.retrace.schemas.event.SessionSummary;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The four archive tables of DESIGN.md. The {@code events} table carries what analysts filter on as
 * flat columns ({@code service_name, recording_id, session_id, kind, event_time, http_method, url,
 * route, status, duration_ms, sql, error_type}) beside the whole event in {@code event}.
 */
public final class ArchiveTables {
  public static final ArchiveTable<RecordedEvent> EVENTS =
      ArchiveTable.builder("events", RecordedEvent.class, RecordedEvent.getClassSchema(), "event")
          .string("event_id", RecordedEvent::getEventId)
          .string("recording_id", RecordedEvent::getRecordingId)
          .optString("session_id", RecordedEvent::getSessionId)
          .string("service_name", e -> e.getOrigin().getService())
          .optString("service_version", e -> e.getOrigin().getVersion())
          .optString("host", e -> e.getOrigin().getHost())
          .string("kind", RecordedEvent::getKind)
          .timestamp("event_time", RecordedEvent::getWallTimeMicros)
          .optString("trace_id", e -> e.getCorrelation().getTraceId())
          .optString(
              "http_method", e -> e.getPayload() instanceof HttpExchange h ? h.getMethod() : null)
          .optString("url", e -> e.getPayload() instanceof HttpExchange h ? h.getUrl() : null)
          .optString("route", e -> e.getPayload() instanceof HttpExchange h ? h.getRoute() : null)
          .optInt("status", e -> e.getPayload() instanceof HttpExchange h ? h.getStatus() : null)
          .optDouble("duration_ms", ArchiveTables::durationMillis)
          .optString("sql", e -> e.getPayload() instanceof JdbcCall j ? j.getSql() : null)
          .optString(
              "sql_operation", e -> e.getPayload() instanceof JdbcCall j ? j.getOperation() : null)
          .optString("error_type", e -> error(e) == null ? null : error(e).getType())
          .optString("error_message", e -> error(e) == null ? null : error(e).getMessage())
          // URLs carry ids and query strings: nearly one per request.
          .unique(
              "event_id",
              "event_time",
              "url",
              "event.payload.member0.url",
              "event.eventId",
              "event.sequence",
              "event.callId",
              "event.parentCallId",
              "event.wallTimeMicros",
              "event.monotonicNanos")
          .build(
              e ->
                  new OutputPartition(
                      "events",
                      e.getOrigin().getService(),
                      ArchiveTable.utcDate(e.getWallTimeMicros()),
                      e.getRecordingId()),
              RecordedEvent::getWallTimeMicros);

  public static final ArchiveTable<SessionSummary> SESSIONS =
      ArchiveTable.builder(
              "sessions", SessionSummary.class, SessionSummary.getClassSchema(), "session")
          .string("session_id", SessionSummary::getSessionId)
          .string("recording_id", SessionSummary::getRecordingId)
          .string("service_name", SessionSummary::getService)
          .optString("entry_point", SessionSummary::getEntryPoint)
          .timestamp("start_time", SessionSummary::getStartMicros)
          .timestamp("end_time", SessionSummary::getEndMicros)
          .optLong("event_count", SessionSummary::getEventCount)
          .string("session_status", SessionSummary::getStatus)
          .optInt("http_status", SessionSummary::getHttpStatus)
          .optString("error_type", s -> s.getError() == null ? null : s.getError().getType())
          .optString("trace_id", SessionSummary::getTraceId)
          .bool("background", SessionSummary::getBackground)
          .timestamp("updated_time", SessionSummary::getUpdatedMicros)
          .build(
              s ->
                  new OutputPartition(
                      "sessions",
                      s.getService(),
                      ArchiveTable.utcDate(s.getStartMicros()),
                      s.getRecordingId()),
              SessionSummary::getUpdatedMicros);

  public static final ArchiveTable<RecordingInfo> RECORDINGS =
      ArchiveTable.builder(
              "recordings", RecordingInfo.class, RecordingInfo.getClassSchema(), "info")
          .string("recording_id", RecordingInfo::getRecordingId)
          .string("recording_status", RecordingInfo::getStatus)
          .optString("requested_by", RecordingInfo::getRequestedBy)
          .optString("reason", RecordingInfo::getReason)
          .optString("ticket", RecordingInfo::getTicket)
          .optString("services", r -> String.join(",", r.getServices()))
          .optTimestamp("first_event_time", RecordingInfo::getFirstEventMicros)
          .optTimestamp("last_event_time", RecordingInfo::getLastEventMicros)
          .optLong("event_count", RecordingInfo::getEventCount)
          .optInt("retention_days", RecordingInfo::getRetentionDays)
          .bool("legal_hold", RecordingInfo::getLegalHold)
          .timestamp("updated_time", RecordingInfo::getUpdatedMicros)
          .build(
              r ->
                  new OutputPartition(
                      "recordings",
                      singleService(r.getServices()),
                      ArchiveTable.utcDate(recordingStart(r)),
                      r.getRecordingId()),
              RecordingInfo::getUpdatedMicros);

  public static final ArchiveTable<AuditEvent> AUDIT =
      ArchiveTable.builder("audit", AuditEvent.class, AuditEvent.getClassSchema(), "entry")
          .string("audit_id", AuditEvent::getAuditId)
          .timestamp("audit_time", AuditEvent::getTimeMicros)
          .string("actor", AuditEvent::getActor)
          .string("action", AuditEvent::getAction)
          .optString("recording_id", AuditEvent::getRecordingId)
          .optString("reason", AuditEvent::getReason)
          .string("outcome", AuditEvent::getOutcome)
          .build(
              a ->
                  new OutputPartition(
                      "audit", null, ArchiveTable.utcDate(a.getTimeMicros()), a.getRecordingId()),
              AuditEvent::getTimeMicros);

  /** By table name. */
  public static final Map<String, ArchiveTable<?>> ALL =
      Map.of("events", EVENTS, "sessions", SESSIONS, "recordings", RECORDINGS, "audit", AUDIT);

  /** Tables whose folders retention deletes; the audit trail is kept for its own retention. */
  public static final List<String> RECORDING_DATA = List.of("events", "sessions", "recordings");

  private ArchiveTables() {}

  public static ArchiveTable<?> byName(String table) {
    ArchiveTable<?> t = ALL.get(table);
    if (t == null) {
      throw new IllegalArgumentException("No archive table " + table);
    }
    return t;
  }

  private static ErrorInfo error(RecordedEvent e) {
    Object p = e.getPayload();
    if (p instanceof HttpExchange h) {
      return h.getError();
    } else if (p instanceof JdbcCall j) {
      return j.getError();
    } else if (p instanceof MethodCall m) {
      return m.getThrown();
    } else if (p instanceof ExceptionEvent x) {
      return x.getError();
    }
    return null;
  }

  private static Double durationMillis(RecordedEvent e) {
    Object p = e.getPayload();
    long nanos;
    if (p instanceof HttpExchange h) {
      nanos = h.getDurationNanos();
    } else if (p instanceof JdbcCall j) {
      nanos = j.getDurationNanos();
    } else if (p instanceof MethodCall m) {
      nanos = m.getDurationNanos();
    } else {
      return null;
    }
    return nanos / 1_000_000.0;
  }

  private static String singleService(List<String> services) {
    return services.size() == 1 ? services.get(0) : null;
  }

  private static Instant recordingStart(RecordingInfo r) {
    if (r.getWindowStartMicros() != null) {
      return r.getWindowStartMicros();
    }
    return r.getFirstEventMicros() != null ? r.getFirstEventMicros() : r.getUpdatedMicros();
  }
}
