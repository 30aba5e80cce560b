package io.retrace.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.retrace.schemas.event.SessionRef;
import io.retrace.schemas.event.SessionSummary;
import io.retrace.testkit.Events;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TraceLinkerTest {
  private static SessionSummary summary(String session, String service) {
    return Sessionizer.add(
        null,
        Events.event().session(session).service(service).trace("t1").httpServer("GET", "/", 200));
  }

  @Test
  void aNewSessionIsLinkedAndTheOthersAreReEmittedWithTheLink() {
    TraceLinker.Result first = TraceLinker.update(List.of(), summary("a", "gateway"));
    assertThat(first.emit())
        .singleElement()
        .satisfies(s -> assertThat(s.getLinkedSessions()).isEmpty());

    TraceLinker.Result second = TraceLinker.update(first.group(), summary("b", "orders"));
    assertThat(second.emit())
        .extracting(SessionSummary::getSessionId, s -> s.getLinkedSessions())
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(
                "a", List.of(new SessionRef("rec-test", "b", "orders"))),
            org.assertj.core.groups.Tuple.tuple(
                "b", List.of(new SessionRef("rec-test", "a", "gateway"))));

    TraceLinker.Result again = TraceLinker.update(second.group(), summary("b", "orders"));
    assertThat(again.emit()).extracting(SessionSummary::getSessionId).containsExactly("b");
  }

  @Test
  void aTraceKeepsAtMostItsBoundOfSessions() {
    List<SessionSummary> group = new ArrayList<>();
    for (int i = 0; i < TraceLinker.MAX_SESSIONS_PER_TRACE + 5; i++) {
      group = TraceLinker.update(group, summary("s" + i, "svc")).group();
    }
    assertThat(group).hasSize(TraceLinker.MAX_SESSIONS_PER_TRACE);
  }
}
