package io.retrace.ingest.internal;

import io.retrace.schemas.event.SessionRef;
import io.retrace.schemas.event.SessionSummary;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Links the sessions that share a trace id — one request crossing several services — so that each
 * session's summary names the others. Pure: the caller keeps one {@link #update} result per trace
 * id in a state store.
 */
public final class TraceLinker {
  /**
   * At most this many sessions are linked per trace; a trace fanning out wider keeps its first
   * ones. Bounds the state per trace id.
   */
  public static final int MAX_SESSIONS_PER_TRACE = 64;

  /**
   * What {@link #update} yields: the trace's sessions to keep, and the summaries to emit (the new
   * one, and every other one whose links changed).
   */
  public record Result(List<SessionSummary> group, List<SessionSummary> emit) {}

  private TraceLinker() {}

  /**
   * @param group the latest summary of each session of the trace so far (may be empty)
   * @param summary a new or updated summary with this trace id
   */
  public static Result update(List<SessionSummary> group, SessionSummary summary) {
    Map<String, SessionSummary> byKey = new LinkedHashMap<>();
    for (SessionSummary s : group) {
      byKey.put(keyOf(s), s);
    }
    String key = keyOf(summary);
    if (!byKey.containsKey(key) && byKey.size() >= MAX_SESSIONS_PER_TRACE) {
      return new Result(group, List.of(summary));
    }
    byKey.put(key, summary);
    List<SessionSummary> nextGroup = new ArrayList<>();
    List<SessionSummary> emit = new ArrayList<>();
    for (SessionSummary member : byKey.values()) {
      List<SessionRef> links = linksFor(member, byKey.values());
      SessionSummary linked = member;
      if (!links.equals(member.getLinkedSessions())) {
        linked = SessionSummary.newBuilder(member).setLinkedSessions(links).build();
      }
      nextGroup.add(linked);
      if (keyOf(member).equals(key) || linked != member) {
        emit.add(linked);
      }
    }
    return new Result(nextGroup, emit);
  }

  private static List<SessionRef> linksFor(
      SessionSummary member, Iterable<SessionSummary> sessions) {
    List<SessionRef> links = new ArrayList<>();
    for (SessionSummary other : sessions) {
      if (!keyOf(other).equals(keyOf(member))) {
        links.add(
            SessionRef.newBuilder()
                .setRecordingId(other.getRecordingId())
                .setSessionId(other.getSessionId())
                .setService(other.getService())
                .build());
      }
    }
    links.sort(
        Comparator.comparing(SessionRef::getRecordingId).thenComparing(SessionRef::getSessionId));
    return links;
  }

  private static String keyOf(SessionSummary s) {
    return Sessionizer.key(s.getRecordingId(), s.getSessionId());
  }
}
