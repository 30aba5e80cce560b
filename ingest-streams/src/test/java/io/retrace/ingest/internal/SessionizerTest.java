package io.retrace.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.event.SessionStatus;
import io.retrace.schemas.event.SessionSummary;
import io.retrace.testkit.EventBuilder;
import io.retrace.testkit.Events;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SessionizerTest {
  private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

  @Test
  void backgroundEventsGetAPerAgentAndThreadSessionAndAreMarked() {
    RecordedEvent event =
        Events.event().session(null).agent("a7").thread("pool-2").uuid(UUID.randomUUID());
    RecordedEvent sessioned = Sessionizer.withSession(event);

    assertThat(sessioned.getSessionId()).isEqualTo("bg-a7-pool-2");
    assertThat(Sessionizer.isBackground(sessioned)).isTrue();
    assertThat(Sessionizer.add(null, sessioned).getBackground()).isTrue();
    assertThat(Sessionizer.withSession(Events.event().session("s1").uuid(UUID.randomUUID())))
        .satisfies(e -> assertThat(Sessionizer.isBackground(e)).isFalse());
  }

  @Test
  void keysJoinRecordingAndSession() {
    assertThat(Sessionizer.key("r1", "s1")).isEqualTo("r1|s1");
    assertThat(Sessionizer.recordingIdOf("r1|s|1")).isEqualTo("r1");
  }

  @Test
  void entryPointIsTheRouteOrThePathWithoutTheQuery() {
    EventBuilder b = Events.event().at(T0);
    RecordedEvent withQuery = b.httpServer("GET", "http://h:8080/orders/1?token=abc", 200);
    assertThat(Sessionizer.add(null, withQuery).getEntryPoint()).isEqualTo("GET /orders/1");
  }

  @Test
  void mergeOfTwoWindowsAddsCountsAndKeepsTheEarliestEntry() {
    EventBuilder b = Events.event().at(T0);
    SessionSummary first = Sessionizer.add(null, b.httpServer("GET", "/a", 200));
    SessionSummary second =
        Sessionizer.add(
            null, Events.event().sequence(9).at(T0.plusSeconds(40)).uuid(UUID.randomUUID()));
    SessionSummary merged = Sessionizer.merge(second, first);

    assertThat(merged.getEventCount()).isEqualTo(2);
    assertThat(merged.getStartMicros()).isEqualTo(T0);
    assertThat(merged.getEndMicros()).isEqualTo(T0.plusSeconds(40));
    assertThat(merged.getFirstSequence()).isEqualTo(1);
    assertThat(merged.getLastSequence()).isEqualTo(9);
    assertThat(merged.getEntryPoint()).isEqualTo("GET /a");
    assertThat(Sessionizer.merge(null, first)).isSameAs(first);
  }

  @Test
  void uncaughtExceptionMakesTheSessionAnError() {
    EventBuilder b = Events.event().at(T0);
    SessionSummary s = Sessionizer.add(null, b.httpServer("GET", "/a", 200));
    RecordedEvent boom = b.exception("java.lang.IllegalStateException", "boom");
    ((io.retrace.schemas.event.ExceptionEvent) boom.getPayload()).setUncaught(true);
    s = Sessionizer.add(s, boom);

    assertThat(s.getStatus()).isEqualTo(SessionStatus.ERROR);
    assertThat(s.getError().getType()).isEqualTo("java.lang.IllegalStateException");
  }
}
