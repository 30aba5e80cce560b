package io.retrace.agent.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.retrace.agent.bootstrap.Dispatch;
import io.retrace.agent.publish.EventBuffer;
import io.retrace.schemas.event.EventKind;
import io.retrace.schemas.event.Marker;
import io.retrace.schemas.event.MarkerType;
import io.retrace.schemas.event.Origin;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.event.ValueRead;
import io.retrace.schemas.event.ValueSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CallRecorderTest {
  private final EventBuffer buffer = new EventBuffer(64);
  private final AtomicInteger built = new AtomicInteger();

  private CallRecorder recorder(int maxPending) {
    return new CallRecorder(
        "agent-1",
        buffer,
        new SessionIds("X-Request-Id", 1.0, "agent-1"),
        () -> new Origin("orders", null, null, null, null, null, null, null, "agent-1", 1L),
        maxPending);
  }

  /** A payload that counts when it is built, as the JDBC adapter's does. */
  private CallRecorder.LazyPayload value(String site) {
    return new CallRecorder.LazyPayload() {
      @Override
      public EventKind kind() {
        return EventKind.VALUE_READ;
      }

      @Override
      public Object build() {
        built.incrementAndGet();
        return new ValueRead(ValueSource.UUID, site, null, "v");
      }
    };
  }

  private List<RecordedEvent> drain() throws InterruptedException {
    List<RecordedEvent> events = new ArrayList<>();
    buffer.drain(events, 1000, 0);
    return events;
  }

  private static Object marker(RecordedEvent e) {
    return e.getPayload() instanceof Marker m ? m.getType() : e.getPayload().getClass();
  }

  @AfterEach
  void recordingOff() {
    Dispatch.mode = Dispatch.OFF;
  }

  @Test
  void aCallCapturedBeforeAvroIsReadyIsWrittenAfterTheStartMarkerOnceItIs() throws Exception {
    CallRecorder recorder = recorder(16);
    recorder.start("rec-1");
    recorder.record(value("startup"), recorder.newCall(), 0);

    assertThat(buffer.size()).isZero();
    assertThat(built).hasValue(0);
    assertThat(recorder.pendingCount()).isEqualTo(1);
    assertThat(recorder.buildsNow()).isFalse();

    recorder.flushPending();
    recorder.record(value("later"), recorder.newCall(), 0);

    List<RecordedEvent> events = drain();
    assertThat(events)
        .extracting(CallRecorderTest::marker)
        .containsExactly(MarkerType.RECORDING_START, ValueRead.class, ValueRead.class);
    assertThat(events).extracting(RecordedEvent::getSequence).isSorted().doesNotHaveDuplicates();
    assertThat(events.get(1).getPayload())
        .isInstanceOfSatisfying(ValueRead.class, v -> assertThat(v.getSite()).isEqualTo("startup"));
    assertThat(events.get(1).getThread().getName()).isEqualTo(Thread.currentThread().getName());
    assertThat(events.get(1).getRecordingId()).isEqualTo("rec-1");
    assertThat(built).hasValue(2);
    assertThat(recorder.buildsNow()).isTrue();
    assertThat(recorder.pendingCount()).isZero();
  }

  @Test
  void theCaptureThatWouldExceedTheBoundWritesEverythingItself() throws Exception {
    CallRecorder recorder = recorder(2);
    recorder.start("rec-1");
    for (int i = 0; i < 3; i++) {
      recorder.record(value("call-" + i), recorder.newCall(), 0);
    }

    assertThat(recorder.buildsNow()).isTrue();
    assertThat(drain())
        .extracting(e -> e.getPayload() instanceof ValueRead v ? v.getSite() : marker(e))
        .containsExactly(MarkerType.RECORDING_START, "call-0", "call-1", "call-2");
  }

  @Test
  void stoppingBeforeAvroIsReadyWritesWhatWaitedBeforeTheStopMarker() throws Exception {
    CallRecorder recorder = recorder(16);
    recorder.start("rec-1");
    recorder.record(value("startup"), recorder.newCall(), 0);

    assertThat(recorder.stop("shutdown")).isEqualTo("rec-1");

    assertThat(drain())
        .extracting(CallRecorderTest::marker)
        .containsExactly(MarkerType.RECORDING_START, ValueRead.class, MarkerType.RECORDING_STOP);
  }

  @Test
  void nothingIsCapturedOutsideARecording() {
    CallRecorder recorder = recorder(16);
    recorder.record(value("no recording"), recorder.newCall(), 0);

    assertThat(recorder.pendingCount()).isZero();
    assertThat(built).hasValue(0);
  }
}
