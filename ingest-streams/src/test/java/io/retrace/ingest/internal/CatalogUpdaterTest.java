package io.retrace.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.retrace.schemas.event.MarkerType;
import io.retrace.schemas.event.RecordingInfo;
import io.retrace.schemas.event.RecordingStatus;
import io.retrace.testkit.Events;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CatalogUpdaterTest {
  private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

  private static RecordingInfo requested() {
    return RecordingInfo.newBuilder()
        .setRecordingId("r1")
        .setRequestedBy("alice")
        .setReason("why")
        .setTicket("T-1")
        .setStatus(RecordingStatus.REQUESTED)
        .setUpdatedMicros(T0)
        .build();
  }

  @Test
  void deltasCombineAndActivateARequestedRecordingKeepingWhoAsked() {
    RecordingInfo a =
        CatalogUpdater.delta(Events.event().service("b").at(T0).uuid(UUID.randomUUID()));
    RecordingInfo b =
        CatalogUpdater.delta(
            Events.event().service("a").at(T0.plusSeconds(3)).uuid(UUID.randomUUID()));
    RecordingInfo entry = CatalogUpdater.apply(requested(), CatalogUpdater.combine(a, b), T0);

    assertThat(entry.getStatus()).isEqualTo(RecordingStatus.ACTIVE);
    assertThat(entry.getEventCount()).isEqualTo(2);
    assertThat(entry.getServices()).containsExactly("a", "b");
    assertThat(entry.getFirstEventMicros()).isEqualTo(T0);
    assertThat(entry.getLastEventMicros()).isEqualTo(T0.plusSeconds(3));
    assertThat(entry.getRequestedBy()).isEqualTo("alice");
    assertThat(entry.getTicket()).isEqualTo("T-1");
  }

  @Test
  void stopMarkerEndsAndLateEventsDoNotReopen() {
    RecordingInfo active =
        CatalogUpdater.apply(
            null, CatalogUpdater.delta(Events.event().uuid(UUID.randomUUID())), T0);
    RecordingInfo ended =
        CatalogUpdater.apply(
            active, CatalogUpdater.delta(Events.event().marker(MarkerType.RECORDING_STOP, 0)), T0);
    RecordingInfo late =
        CatalogUpdater.apply(
            ended, CatalogUpdater.delta(Events.event().uuid(UUID.randomUUID())), T0);

    assertThat(ended.getStatus()).isEqualTo(RecordingStatus.ENDED);
    assertThat(late.getStatus()).isEqualTo(RecordingStatus.ENDED);
    assertThat(late.getEventCount()).isEqualTo(3);
  }

  @Test
  void ownWritesReadBackChangeNothingButOthersFieldsAreTaken() {
    RecordingInfo entry =
        CatalogUpdater.apply(
            null, CatalogUpdater.delta(Events.event().uuid(UUID.randomUUID())), T0);
    assertThat(CatalogUpdater.sameContent(entry, CatalogUpdater.applyExternal(entry, entry)))
        .isTrue();

    RecordingInfo merged = CatalogUpdater.applyExternal(entry, requested());
    assertThat(merged.getRequestedBy()).isEqualTo("alice");
    assertThat(merged.getEventCount()).isEqualTo(1);
    assertThat(merged.getStatus()).isEqualTo(RecordingStatus.ACTIVE);
  }

  @Test
  void idleActiveRecordingEnds() {
    RecordingInfo entry =
        CatalogUpdater.apply(
            null, CatalogUpdater.delta(Events.event().uuid(UUID.randomUUID())), T0);
    assertThat(CatalogUpdater.endIfIdle(entry, T0.plusSeconds(59), Duration.ofMinutes(1))).isNull();
    assertThat(
            CatalogUpdater.endIfIdle(entry, T0.plusSeconds(61), Duration.ofMinutes(1)).getStatus())
        .isEqualTo(RecordingStatus.ENDED);
  }
}
