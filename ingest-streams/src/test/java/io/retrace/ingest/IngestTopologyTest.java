package io.retrace.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.retrace.ingest.internal.EventValidator;
import io.retrace.ingest.internal.SessionWindowProcessor;
import io.retrace.schemas.event.HttpExchange;
import io.retrace.schemas.event.MarkerType;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.event.RecordingInfo;
import io.retrace.schemas.event.RecordingStatus;
import io.retrace.schemas.event.SessionRef;
import io.retrace.schemas.event.SessionStatus;
import io.retrace.schemas.event.SessionSummary;
import io.retrace.testkit.EventBuilder;
import io.retrace.testkit.Events;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestTopologyTest {
  private static final Instant T0 = IngestDriver.START;

  /** A stand-in redactor that marks every event it saw, so tests can see it ran first. */
  private static final UnaryOperator<RecordedEvent> MARKING =
      e -> RecordedEvent.newBuilder(e).setRedactionPolicy("test-policy").build();

  @TempDir Path stateDir;
  private IngestDriver ingest;

  private IngestDriver ingest(Map<String, String> extra) {
    ingest = new IngestDriver(stateDir, MARKING, extra);
    return ingest;
  }

  private IngestDriver ingest() {
    return ingest(Map.of());
  }

  @AfterEach
  void close() {
    if (ingest != null) {
      ingest.close();
    }
  }

  private static EventBuilder event(String recording, String session) {
    return Events.event().recording(recording).session(session).at(T0);
  }

  @Test
  void validEventsGoToEventsKeyedByRecordingAndSessionInOrderAndRedacted() {
    IngestDriver ingest = ingest();
    EventBuilder s1 = event("r1", "s1");
    RecordedEvent a = s1.httpServer("GET", "/orders/1", 200);
    RecordedEvent b = s1.jdbcQuery("select 1", List.of("x"), List.of());
    RecordedEvent c = event("r1", "s2").agent("agent-2").httpServer("GET", "/orders/2", 200);
    ingest.send(a, b, c);

    List<KeyValue<String, RecordedEvent>> out = ingest.events();
    assertThat(out).extracting(kv -> kv.key).containsExactly("r1|s1", "r1|s1", "r1|s2");
    assertThat(out)
        .extracting(kv -> kv.value.getEventId())
        .containsExactly(a.getEventId(), b.getEventId(), c.getEventId());
    assertThat(out)
        .allSatisfy(kv -> assertThat(kv.value.getRedactionPolicy()).isEqualTo("test-policy"));
    assertThat(ingest.deadLetters()).isEmpty();
  }

  @Test
  void undecodableRecordGoesToTheDlqWithReasonAndSourceButWithoutItsBytes() {
    IngestDriver ingest = ingest();
    ingest.send(event("r1", "s1").httpServer("GET", "/a", 200));
    ingest
        .raw("r1")
        .pipeInput(
            new TestRecord<>(
                "s9".getBytes(StandardCharsets.UTF_8),
                "password=hunter2".getBytes(StandardCharsets.UTF_8)));

    List<TestRecord<byte[], byte[]>> dead = ingest.deadLetters();
    assertThat(dead).hasSize(1);
    TestRecord<byte[], byte[]> letter = dead.get(0);
    assertThat(header(letter, DlqHeaders.REASON)).isEqualTo("UNKNOWN_MAGIC_BYTE");
    assertThat(header(letter, DlqHeaders.SOURCE_TOPIC)).isEqualTo("retrace.rec.r1");
    assertThat(header(letter, DlqHeaders.SOURCE_PARTITION)).isEqualTo("0");
    assertThat(header(letter, DlqHeaders.SOURCE_OFFSET)).isEqualTo("1");
    assertThat(header(letter, DlqHeaders.VALUE)).isEqualTo("none");
    assertThat(new String(letter.key(), StandardCharsets.UTF_8)).isEqualTo("s9");
    assertThat(letter.value()).isNull();
    assertThat(ingest.events()).hasSize(1);
    assertThat(ingest.meters.counter("retrace.ingest.dlq", "reason", "UNKNOWN_MAGIC_BYTE").count())
        .isEqualTo(1);
  }

  @Test
  void undecodableBytesAreKeptOnlyWhenConfigured() {
    IngestDriver ingest = ingest(Map.of("dlq.keep.undecodable", "true"));
    byte[] garbage = {0, 0, 0, 0, 42, 1, 2, 3};
    ingest.raw("r1").pipeInput(new TestRecord<>(null, garbage));

    TestRecord<byte[], byte[]> letter = ingest.deadLetters().get(0);
    assertThat(header(letter, DlqHeaders.REASON)).isEqualTo("UNKNOWN_SCHEMA_ID");
    assertThat(header(letter, DlqHeaders.VALUE)).isEqualTo("original");
    assertThat(letter.value()).isEqualTo(garbage);
  }

  @Test
  void truncatedBodyAndNullValueHaveTheirOwnReasons() {
    IngestDriver ingest = ingest();
    RecordedEvent valid = event("r1", "s1").httpServer("GET", "/a", 200);
    byte[] bytes = ingest.eventSerde.serializer().serialize("retrace.rec.r1", valid);
    byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length / 2);
    ingest.raw("r1").pipeInput(new TestRecord<>(null, cut));
    ingest.raw("r1").pipeInput(new TestRecord<>("s1".getBytes(StandardCharsets.UTF_8), null));

    assertThat(ingest.deadLetters())
        .extracting(r -> header(r, DlqHeaders.REASON))
        .containsExactly("TRUNCATED", DlqHeaders.NULL_VALUE);
  }

  @Test
  void semanticViolationsGoToTheDlqAsRedactedEvents() {
    IngestDriver ingest = ingest();
    RecordedEvent otherRecording = event("r2", "s1").httpServer("GET", "/a", 200);
    RecordedEvent noRecording = event("", "s1").httpServer("GET", "/a", 200);
    RecordedEvent negative = event("r1", "s1").httpServer("GET", "/a", 200);
    ((HttpExchange) negative.getPayload()).setDurationNanos(-5);
    ingest.sendTo("r1", otherRecording);
    ingest.sendTo("r1", noRecording);
    ingest.sendTo("r1", negative);

    List<TestRecord<byte[], byte[]>> dead = ingest.deadLetters();
    assertThat(dead)
        .extracting(r -> header(r, DlqHeaders.REASON))
        .containsExactly(
            DlqHeaders.RECORDING_MISMATCH,
            DlqHeaders.MISSING_RECORDING_ID,
            DlqHeaders.NEGATIVE_DURATION);
    RecordedEvent stored =
        ingest.eventSerde.deserializer().deserialize("retrace.dlq", dead.get(2).value());
    assertThat(stored.getEventId()).isEqualTo(negative.getEventId());
    assertThat(stored.getRedactionPolicy()).isEqualTo("test-policy");
    assertThat(header(dead.get(2), DlqHeaders.VALUE)).isEqualTo("redacted-event");
    assertThat(ingest.events()).isEmpty();
  }

  @Test
  void sequenceFarBehindForAnAgentIsRejectedButReorderingAndOtherAgentsAreNot() {
    IngestDriver ingest = ingest();
    long high = 3 * EventValidator.REORDER_WINDOW;
    RecordedEvent latest = event("r1", "s1").sequence(high).httpServer("GET", "/a", 200);
    // Threads of one agent hand events over out of sequence order: a little behind is normal.
    RecordedEvent reordered = event("r1", "s1").sequence(high - 7).httpServer("GET", "/b", 200);
    RecordedEvent farBehind = event("r1", "s1").sequence(3).httpServer("GET", "/c", 200);
    RecordedEvent otherAgent =
        event("r1", "s2").agent("agent-2").sequence(1).httpServer("GET", "/d", 200);
    RecordedEvent next = event("r1", "s1").sequence(high + 1).httpServer("GET", "/e", 200);
    ingest.send(latest, reordered, farBehind, otherAgent, next);

    assertThat(ingest.deadLetters())
        .singleElement()
        .satisfies(r -> assertThat(header(r, DlqHeaders.REASON)).isEqualTo("SEQUENCE_BACKWARDS"));
    assertThat(ingest.events())
        .extracting(kv -> kv.value.getSequence())
        .containsExactly(high, high - 7, 1L, high + 1);
  }

  @Test
  void forgottenAgentsStartAfresh() {
    IngestDriver ingest = ingest(Map.of("agent.idle", "10m"));
    ingest.send(
        event("r1", "s1").sequence(3 * EventValidator.REORDER_WINDOW).httpServer("GET", "/a", 200));
    ingest.advanceWallClock(Duration.ofMinutes(12));
    ingest.send(event("r1", "s1").sequence(1).httpServer("GET", "/a", 200));

    assertThat(ingest.deadLetters()).isEmpty();
    assertThat(ingest.events()).hasSize(2);
  }

  @Test
  void backgroundEventsGetAPerThreadSession() {
    IngestDriver ingest = ingest();
    EventBuilder bg = event("r1", null).thread("scheduler-1");
    ingest.send(bg.uuid(java.util.UUID.randomUUID()), bg.uuid(java.util.UUID.randomUUID()));

    List<KeyValue<String, RecordedEvent>> out = ingest.events();
    assertThat(out).extracting(kv -> kv.key).containsOnly("r1|bg-agent-1-scheduler-1");
    assertThat(out)
        .allSatisfy(kv -> assertThat(kv.value.getSessionId()).isEqualTo("bg-agent-1-scheduler-1"));
    SessionSummary summary = ingest.latestSessions().get("r1|bg-agent-1-scheduler-1");
    assertThat(summary.getBackground()).isTrue();
    assertThat(summary.getEventCount()).isEqualTo(2);
  }

  @Test
  void sessionSummaryDescribesTheRequest() {
    IngestDriver ingest = ingest();
    EventBuilder s1 = event("r1", "s1").service("orders");
    ingest.send(
        s1.httpServer("GET", "/orders/17?expand=items", 200),
        s1.jdbcQuery("select * from orders", List.of("id"), List.of()),
        s1.uuid(java.util.UUID.randomUUID()));

    SessionSummary summary = ingest.latestSessions().get("r1|s1");
    assertThat(summary.getEntryPoint()).isEqualTo("GET /orders/17");
    assertThat(summary.getService()).isEqualTo("orders");
    assertThat(summary.getEventCount()).isEqualTo(3);
    assertThat(summary.getStatus()).isEqualTo(SessionStatus.OK);
    assertThat(summary.getHttpStatus()).isEqualTo(200);
    assertThat(summary.getFirstSequence()).isEqualTo(1);
    assertThat(summary.getLastSequence()).isEqualTo(3);
    assertThat(summary.getStartMicros()).isEqualTo(T0);
    assertThat(summary.getEndMicros()).isEqualTo(T0.plusMillis(2));
    assertThat(summary.getBackground()).isFalse();
    assertThat(summary.getUpdatedMicros()).isEqualTo(IngestDriver.START);
  }

  @Test
  void errorsAndGapsSetTheStatus() {
    IngestDriver ingest = ingest();
    ingest.send(event("r1", "failed").httpServer("POST", "/pay", 503));
    EventBuilder gappy = event("r1", "gappy").agent("agent-2");
    ingest.send(gappy.httpServer("GET", "/a", 200), gappy.marker(MarkerType.GAP, 7));

    Map<String, SessionSummary> latest = ingest.latestSessions();
    assertThat(latest.get("r1|failed").getStatus()).isEqualTo(SessionStatus.ERROR);
    assertThat(latest.get("r1|failed").getError().getType()).isEqualTo("HTTP 503");
    assertThat(latest.get("r1|gappy").getStatus()).isEqualTo(SessionStatus.INCOMPLETE);
    assertThat(latest.get("r1|gappy").getGaps()).isEqualTo(7);
  }

  @Test
  void inactivityStartsANewSessionWindowAndALateEventWithinGraceJoinsThem() {
    IngestDriver ingest = ingest();
    EventBuilder early = event("r1", "s1");
    ingest.send(early.httpServer("GET", "/a", 200));
    RecordedEvent later =
        event("r1", "s1").sequence(10).at(T0.plusSeconds(50)).methodCall("A", "b", "[]", "1");
    ingest.send(later);
    List<KeyValue<String, SessionSummary>> split = ingest.sessionUpdates();
    assertThat(split).extracting(kv -> kv.value.getEventCount()).containsExactly(1L, 1L);

    // Arrives late (stream time is T0+50s) but within grace, and bridges the two windows.
    RecordedEvent bridge =
        event("r1", "s1")
            .agent("agent-1b")
            .sequence(5)
            .at(T0.plusSeconds(25))
            .methodCall("A", "c", "[]", "1");
    ingest.send(bridge);
    SessionSummary merged = ingest.latestSessions().get("r1|s1");
    assertThat(merged.getEventCount()).isEqualTo(3);
    assertThat(merged.getStartMicros()).isEqualTo(T0);
    assertThat(merged.getEndMicros()).isEqualTo(T0.plusSeconds(50));
    assertThat(merged.getEntryPoint()).isEqualTo("GET /a");
  }

  @Test
  void eventsLaterThanGraceNoLongerChangeTheSummary() {
    IngestDriver ingest = ingest();
    ingest.send(event("r1", "s1").httpServer("GET", "/a", 200));
    ingest.send(
        event("r1", "other").agent("a2").at(T0.plusSeconds(300)).httpServer("GET", "/b", 200));
    ingest.sessionUpdates();
    ingest.send(event("r1", "s1").sequence(9).at(T0.plusSeconds(10)).httpServer("GET", "/c", 200));

    assertThat(ingest.sessionUpdates()).isEmpty();
    assertThat(ingest.events()).hasSize(3);
    assertThat(ingest.meters.counter("retrace.ingest.sessions.late").count()).isEqualTo(1);
  }

  @Test
  void sessionsNoEventCanReachAnyMoreAreForgotten() {
    IngestDriver ingest = ingest();
    ingest.send(event("r1", "s1").httpServer("GET", "/a", 200));
    // Stream time moves past 2 × gap + grace (2 min) after s1's last event.
    ingest.send(event("r1", "s2").agent("a2").at(T0.plusSeconds(200)).httpServer("GET", "/b", 200));
    KeyValueStore<String, Object> windows =
        ingest.driver.getKeyValueStore(SessionWindowProcessor.STORE);
    assertThat(windows.get("r1|s1")).isNotNull();

    ingest.advanceWallClock(Duration.ofMinutes(1));

    assertThat(windows.get("r1|s1")).isNull();
    assertThat(windows.get("r1|s2")).isNotNull();
  }

  @Test
  void sessionsSharingATraceIdAreLinked() {
    IngestDriver ingest = ingest();
    String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    ingest.send(
        event("r1", "front-1").service("gateway").trace(trace).httpServer("GET", "/x", 200));
    ingest.send(
        event("r1", "back-7")
            .service("orders")
            .agent("agent-2")
            .trace(trace)
            .httpServer("GET", "/y", 200));
    ingest.send(event("r1", "alone").agent("agent-3").httpServer("GET", "/z", 200));

    Map<String, SessionSummary> latest = ingest.latestSessions();
    assertThat(latest.get("r1|front-1").getLinkedSessions())
        .containsExactly(new SessionRef("r1", "back-7", "orders"));
    assertThat(latest.get("r1|back-7").getLinkedSessions())
        .containsExactly(new SessionRef("r1", "front-1", "gateway"));
    assertThat(latest.get("r1|alone").getLinkedSessions()).isEmpty();
  }

  @Test
  void catalogCountsEventsSessionsAndServices() {
    IngestDriver ingest = ingest();
    ingest.send(
        event("r1", "s1").service("orders").httpServer("GET", "/a", 200),
        event("r1", "s1")
            .service("orders")
            .sequence(2)
            .at(T0.plusSeconds(5))
            .uuid(java.util.UUID.randomUUID()),
        event("r1", "s2").service("billing").agent("agent-2").httpServer("GET", "/b", 200));
    ingest.advanceWallClock(Duration.ofSeconds(2));

    RecordingInfo info = ingest.latestRecordings().get("r1");
    assertThat(info.getStatus()).isEqualTo(RecordingStatus.ACTIVE);
    assertThat(info.getEventCount()).isEqualTo(3);
    assertThat(info.getSessionCount()).isEqualTo(2);
    assertThat(info.getServices()).containsExactly("billing", "orders");
    assertThat(info.getFirstEventMicros()).isEqualTo(T0);
    assertThat(info.getLastEventMicros()).isEqualTo(T0.plusSeconds(5));
  }

  @Test
  void catalogKeepsWhoAskedAndWhyAndEndsOnStopMarker() {
    IngestDriver ingest = ingest();
    ingest.catalogEntry(
        RecordingInfo.newBuilder()
            .setRecordingId("r1")
            .setRequestedBy("alice")
            .setReason("incident 42")
            .setTicket("OPS-42")
            .setStatus(RecordingStatus.REQUESTED)
            .setUpdatedMicros(T0)
            .build());
    ingest.send(event("r1", "s1").httpServer("GET", "/a", 200));
    ingest.advanceWallClock(Duration.ofSeconds(2));
    RecordingInfo active = ingest.latestRecordings().get("r1");
    assertThat(active.getStatus()).isEqualTo(RecordingStatus.ACTIVE);
    assertThat(active.getRequestedBy()).isEqualTo("alice");
    assertThat(active.getTicket()).isEqualTo("OPS-42");

    ingest.send(event("r1", null).sequence(2).marker(MarkerType.RECORDING_STOP, 0));
    ingest.advanceWallClock(Duration.ofSeconds(2));
    RecordingInfo ended = ingest.latestRecordings().get("r1");
    assertThat(ended.getStatus()).isEqualTo(RecordingStatus.ENDED);
    assertThat(ended.getReason()).isEqualTo("incident 42");
    assertThat(ended.getEventCount()).isEqualTo(2);
  }

  @Test
  void idleRecordingIsEnded() {
    IngestDriver ingest = ingest(Map.of("recording.idle", "5m"));
    ingest.send(event("r1", "s1").httpServer("GET", "/a", 200));
    ingest.advanceWallClock(Duration.ofSeconds(2));
    assertThat(ingest.latestRecordings().get("r1").getStatus()).isEqualTo(RecordingStatus.ACTIVE);

    ingest.advanceWallClock(Duration.ofMinutes(6));
    assertThat(ingest.latestRecordings().get("r1").getStatus()).isEqualTo(RecordingStatus.ENDED);
  }

  @Test
  void undecodableRecordInEventsIsSkippedWithoutStoppingTheApp() {
    IngestDriver ingest = ingest();
    ingest
        .driver
        .createInputTopic(
            "retrace.events",
            org.apache.kafka.common.serialization.Serdes.String().serializer(),
            org.apache.kafka.common.serialization.Serdes.ByteArray().serializer())
        .pipeInput("r1|s1", new byte[] {9, 9, 9});
    ingest.send(event("r1", "s1").httpServer("GET", "/a", 200));

    // The DLQ record itself is written through the record collector, which the test driver does
    // not expose; IngestIT checks it on a broker.
    assertThat(
            ingest
                .meters
                .counter(
                    "retrace.ingest.handler.errors",
                    "handler",
                    "deserialization",
                    "type",
                    "WireFormatException")
                .count())
        .isEqualTo(1);
    assertThat(ingest.latestSessions()).containsKey("r1|s1");
  }

  private static String header(TestRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
