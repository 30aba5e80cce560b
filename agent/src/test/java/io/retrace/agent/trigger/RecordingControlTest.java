package io.retrace.agent.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retrace.agent.bootstrap.Dispatch;
import io.retrace.agent.capture.CallRecorder;
import io.retrace.agent.capture.SessionIds;
import io.retrace.agent.publish.EventBuffer;
import io.retrace.schemas.event.Origin;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RecordingControlTest {
  private final EventBuffer buffer = new EventBuffer(64);
  private final SessionIds sessions = new SessionIds("X-Request-Id", 1.0, "agent-1");
  private final CallRecorder recorder =
      new CallRecorder(
          "agent-1",
          buffer,
          sessions,
          () -> new Origin("orders", null, null, null, null, null, null, null, "agent-1", 1L));

  @AfterEach
  void recordingOff() {
    Dispatch.mode = Dispatch.OFF;
  }

  @Test
  void aTriggeredRecordingBeginsOnlyOnceTheAgentIsReady() {
    List<String> steps = new ArrayList<>();
    RecordingControl control =
        new RecordingControl(
            recorder,
            sessions,
            Duration.ofMinutes(10),
            () -> steps.add("ready, recording " + recorder.recordingId()));
    Instant before = Instant.now();

    RecordingControl.Status started = control.start("inc-1", Duration.ofMinutes(1), null);

    assertThat(steps).containsExactly("ready, recording null");
    assertThat(started.recordingId()).isEqualTo("inc-1");
    assertThat(started.startedAt()).isAfterOrEqualTo(before.minusMillis(1));
    assertThat(started.endsAt()).isEqualTo(started.startedAt().plus(Duration.ofMinutes(1)));
    assertThat(control.status()).isEqualTo(started);
    assertThat(Dispatch.mode).isEqualTo(Dispatch.RECORD);
    control.close();
  }

  @Test
  void whenTheAgentCannotRecordNothingStarts() {
    RecordingControl control =
        new RecordingControl(
            recorder,
            sessions,
            Duration.ofMinutes(10),
            () -> {
              throw new IllegalStateException("the publisher cannot start: no broker");
            });

    assertThatThrownBy(() -> control.start("inc-2", Duration.ofMinutes(1), null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no broker");
    assertThat(control.status().recordingId()).isNull();
    assertThat(control.status().startedAt()).isNull();
    assertThat(Dispatch.mode).isEqualTo(Dispatch.OFF);
    control.close();
  }

  @Test
  void anInvalidIdIsRefusedBeforeTheAgentGetsReady() {
    AtomicInteger readied = new AtomicInteger();
    RecordingControl control =
        new RecordingControl(recorder, sessions, Duration.ofMinutes(10), readied::incrementAndGet);

    assertThatThrownBy(() -> control.start("no spaces allowed", null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(readied).hasValue(0);
    control.close();
  }

  @Test
  void theRecordingFromStartUpBeginsAtOnceAndRunsUntilStopped() {
    RecordingControl control =
        new RecordingControl(
            recorder,
            sessions,
            Duration.ofMinutes(10),
            () -> {
              throw new AssertionError("premain instrumented already");
            });

    RecordingControl.Status started = control.startAtLaunch("from-launch");

    assertThat(started.endsAt()).isNull();
    assertThat(control.status().recordingId()).isEqualTo("from-launch");
    assertThat(control.stop("shutdown")).isEqualTo("from-launch");
    assertThat(control.status()).isEqualTo(new RecordingControl.Status(null, null, null));
    control.close();
  }
}
