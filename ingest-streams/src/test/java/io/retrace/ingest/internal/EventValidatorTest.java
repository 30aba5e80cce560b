package io.retrace.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.retrace.ingest.DlqHeaders;
import io.retrace.schemas.event.JdbcCall;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.testkit.Events;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventValidatorTest {
  @Test
  void validEventPasses() {
    assertThat(
            EventValidator.validate(
                Events.event().recording("r1").httpServer("GET", "/", 200), "r1"))
        .isNull();
  }

  @Test
  void eachSemanticProblemHasItsReason() {
    RecordedEvent jdbc = Events.event().recording("r1").jdbcUpdate("update t", List.of(), 1);
    ((JdbcCall) jdbc.getPayload()).setDurationNanos(-1);
    RecordedEvent noAgent = Events.event().recording("r1").agent("").httpServer("GET", "/", 200);

    assertThat(EventValidator.validate(jdbc, "r1").reason())
        .isEqualTo(DlqHeaders.NEGATIVE_DURATION);
    assertThat(EventValidator.validate(noAgent, "r1").reason())
        .isEqualTo(DlqHeaders.MISSING_AGENT_ID);
    assertThat(
            EventValidator.validate(
                    Events.event().recording("r2").httpServer("GET", "/", 200), "r1")
                .reason())
        .isEqualTo(DlqHeaders.RECORDING_MISMATCH);
  }

  @Test
  void sequenceMayBeReorderedButNotFallFarBehind() {
    long window = EventValidator.REORDER_WINDOW;
    assertThat(EventValidator.checkSequence(null, 1)).isNull();
    assertThat(EventValidator.checkSequence(4L, 5)).isNull();
    assertThat(EventValidator.checkSequence(5L, 2)).as("reordered within the window").isNull();
    assertThat(EventValidator.checkSequence(window + 5, 5)).isNull();
    assertThat(EventValidator.checkSequence(window + 5, 4).reason())
        .isEqualTo(DlqHeaders.SEQUENCE_BACKWARDS);
  }
}
