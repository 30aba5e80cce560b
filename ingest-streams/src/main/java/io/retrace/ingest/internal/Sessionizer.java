package io.retrace.ingest.internal;

import io.retrace.schemas.event.ErrorInfo;
import io.retrace.schemas.event.EventKind;
import io.retrace.schemas.event.ExceptionEvent;
import io.retrace.schemas.event.HttpExchange;
import io.retrace.schemas.event.Marker;
import io.retrace.schemas.event.MarkerType;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.event.SessionStatus;
import io.retrace.schemas.event.SessionSummary;
import java.net.URI;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sessionization as pure functions: which session an event belongs to, its key in {@code
 * retrace.events}, and how a {@link SessionSummary} grows by one event or merges with another
 * summary of the same session when a late event bridges two session windows.
 *
 * <p>Events without a session id (background threads) go to one session per agent and thread,
 * {@code bg-<agentId>-<threadName>}, marked {@code background}.
 */
public final class Sessionizer {
  /** Prefix of the session ids given to background work. */
  public static final String BACKGROUND_PREFIX = "bg-";

  /** Attribute that marks an event of a background session in {@code retrace.events}. */
  public static final String BACKGROUND_ATTRIBUTE = "retrace.session.background";

  /** Separates the recording id and the session id in a key; recording ids cannot contain it. */
  public static final char KEY_SEPARATOR = '|';

  private Sessionizer() {}

  /** The event's session id, or the background session of its agent and thread. */
  public static String sessionIdOf(RecordedEvent event) {
    String sessionId = event.getSessionId();
    if (sessionId != null && !sessionId.isEmpty()) {
      return sessionId;
    }
    return BACKGROUND_PREFIX + event.getOrigin().getAgentId() + "-" + event.getThread().getName();
  }

  /** Whether the event is background work: no session id, or marked by {@link #withSession}. */
  public static boolean isBackground(RecordedEvent event) {
    return event.getSessionId() == null
        || event.getSessionId().isEmpty()
        || "true".equals(event.getAttributes().get(BACKGROUND_ATTRIBUTE));
  }

  /** {@code recordingId|sessionId}: the key of the event's session in the output topics. */
  public static String key(String recordingId, String sessionId) {
    return recordingId + KEY_SEPARATOR + sessionId;
  }

  /** The recording id in a {@link #key}. */
  public static String recordingIdOf(String key) {
    int separator = key.indexOf(KEY_SEPARATOR);
    return separator < 0 ? key : key.substring(0, separator);
  }

  /**
   * The event as it goes to {@code retrace.events}: a background event gets its background session
   * id, so every event there belongs to exactly one session.
   */
  public static RecordedEvent withSession(RecordedEvent event) {
    if (event.getSessionId() != null && !event.getSessionId().isEmpty()) {
      return event;
    }
    Map<String, String> attributes = new HashMap<>(event.getAttributes());
    attributes.put(BACKGROUND_ATTRIBUTE, "true");
    return RecordedEvent.newBuilder(event)
        .setSessionId(sessionIdOf(event))
        .setAttributes(attributes)
        .build();
  }

  /**
   * The summary with {@code event} added; {@code summary} may be null for the first event of a
   * session. Does not set {@code updatedMicros} (the caller stamps it when emitting).
   */
  public static SessionSummary add(SessionSummary summary, RecordedEvent event) {
    SessionSummary next = summary != null ? copy(summary) : start(event);
    Instant time = event.getWallTimeMicros();
    boolean earliest = summary == null || time.isBefore(summary.getStartMicros());
    if (time.isBefore(next.getStartMicros())) {
      next.setStartMicros(time);
    }
    if (time.isAfter(next.getEndMicros())) {
      next.setEndMicros(time);
    }
    next.setEventCount(next.getEventCount() + (summary != null ? 1 : 0));
    next.setFirstSequence(Math.min(next.getFirstSequence(), event.getSequence()));
    next.setLastSequence(Math.max(next.getLastSequence(), event.getSequence()));
    if (next.getTraceId() == null) {
      next.setTraceId(event.getCorrelation().getTraceId());
    }
    if (event.getKind() == EventKind.HTTP_SERVER
        && event.getPayload() instanceof HttpExchange http
        && (next.getEntryPoint() == null || earliest)) {
      next.setEntryPoint(entryPoint(http));
      next.setHttpStatus(http.getStatus());
      next.setService(event.getOrigin().getService());
      if (http.getError() != null) {
        next.setError(http.getError());
      } else if (http.getStatus() != null && http.getStatus() >= 500) {
        next.setError(
            ErrorInfo.newBuilder()
                .setType("HTTP " + http.getStatus())
                .setMessage(entryPoint(http) + " answered " + http.getStatus())
                .build());
      }
    } else if (event.getPayload() instanceof ExceptionEvent exception
        && exception.getUncaught()
        && next.getError() == null) {
      next.setError(exception.getError());
    } else if (event.getPayload() instanceof Marker marker && marker.getType() == MarkerType.GAP) {
      next.setGaps(next.getGaps() + Math.max(1, marker.getDroppedCount()));
    }
    next.setStatus(status(next));
    return next;
  }

  /**
   * Two summaries of one session joined into one, as when a late event fills the gap between two
   * session windows. Either may be null.
   */
  public static SessionSummary merge(SessionSummary a, SessionSummary b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    SessionSummary earlier = a.getStartMicros().isAfter(b.getStartMicros()) ? b : a;
    SessionSummary later = earlier == a ? b : a;
    SessionSummary merged = copy(earlier);
    merged.setEndMicros(max(earlier.getEndMicros(), later.getEndMicros()));
    merged.setEventCount(earlier.getEventCount() + later.getEventCount());
    merged.setFirstSequence(Math.min(earlier.getFirstSequence(), later.getFirstSequence()));
    merged.setLastSequence(Math.max(earlier.getLastSequence(), later.getLastSequence()));
    merged.setGaps(earlier.getGaps() + later.getGaps());
    if (merged.getEntryPoint() == null && later.getEntryPoint() != null) {
      merged.setEntryPoint(later.getEntryPoint());
      merged.setHttpStatus(later.getHttpStatus());
      merged.setService(later.getService());
    }
    if (merged.getError() == null) {
      merged.setError(later.getError());
    }
    if (merged.getTraceId() == null) {
      merged.setTraceId(later.getTraceId());
    }
    merged.setStatus(status(merged));
    return merged;
  }

  /** ERROR when the request failed, else INCOMPLETE when the agent dropped events, else OK. */
  static SessionStatus status(SessionSummary summary) {
    if (summary.getError() != null) {
      return SessionStatus.ERROR;
    }
    return summary.getGaps() > 0 ? SessionStatus.INCOMPLETE : SessionStatus.OK;
  }

  /**
   * {@code GET /orders/{id}}: the route when the framework knew it, else the path without the query
   * string (which may carry values the policy did not know to redact).
   */
  static String entryPoint(HttpExchange http) {
    String path = http.getRoute();
    if (path == null) {
      path = pathOf(http.getUrl());
    }
    return http.getMethod() + " " + path;
  }

  private static String pathOf(String url) {
    try {
      String path = URI.create(url).getRawPath();
      if (path != null && !path.isEmpty()) {
        return path;
      }
    } catch (IllegalArgumentException e) {
      // Not a URI; fall through to cutting at the query.
    }
    int query = url.indexOf('?');
    return query < 0 ? url : url.substring(0, query);
  }

  // Summaries are built and copied field by field: Avro's builders deep-copy every field and fill
  // defaults by copying them from the schema, which cost more than the rest of add() together.
  private static SessionSummary start(RecordedEvent event) {
    Instant time = event.getWallTimeMicros();
    return new SessionSummary(
        event.getRecordingId(),
        sessionIdOf(event),
        event.getOrigin().getService(),
        isBackground(event),
        null,
        time,
        time,
        1L,
        SessionStatus.OK,
        null,
        null,
        event.getSequence(),
        event.getSequence(),
        0L,
        event.getCorrelation().getTraceId(),
        List.of(),
        Instant.EPOCH);
  }

  /**
   * A copy whose fields can be set without touching {@code summary}; the values themselves are
   * shared, which is safe because summaries are changed only by replacing fields.
   */
  static SessionSummary copy(SessionSummary s) {
    return new SessionSummary(
        s.getRecordingId(),
        s.getSessionId(),
        s.getService(),
        s.getBackground(),
        s.getEntryPoint(),
        s.getStartMicros(),
        s.getEndMicros(),
        s.getEventCount(),
        s.getStatus(),
        s.getHttpStatus(),
        s.getError(),
        s.getFirstSequence(),
        s.getLastSequence(),
        s.getGaps(),
        s.getTraceId(),
        s.getLinkedSessions(),
        s.getUpdatedMicros());
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
