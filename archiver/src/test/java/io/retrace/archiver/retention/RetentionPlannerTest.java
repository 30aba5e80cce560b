package io.retrace.archiver.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.retrace.archiver.ArchiverConfig.RetentionSettings;
import io.retrace.archiver.format.OutputPartition;
import io.retrace.schemas.event.RecordingInfo;
import io.retrace.schemas.event.RecordingStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetentionPlannerTest {
  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
  private static final RetentionPlanner PLANNER =
      new RetentionPlanner(
          new RetentionSettings(30, Map.of("payments", 7), "test"), Duration.ofHours(1));

  @Test
  void foldersOlderThanTheServiceRetentionExpire() {
    List<OutputPartition> folders =
        List.of(
            folder("events", "payments", "2026-11-20", "r1"), // 8 days: past payments' 7
            folder("events", "payments", "2026-11-22", "r1"), // 6 days: kept
            folder("events", "orders", "2026-11-20", "r2")); // default 30: kept
    RetentionPlan plan = PLANNER.plan(folders, Map.of(), List.of(), NOW);
    assertThat(plan.deletions())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.recordingId()).isEqualTo("r1");
              assertThat(d.folders()).containsExactly(folders.get(0));
              assertThat(d.rawTopic()).isNull();
              assertThat(d.reason()).contains("7 days");
            });
  }

  @Test
  void aRecordingsOwnRetentionOverridesTheService() {
    List<OutputPartition> folders = List.of(folder("events", "orders", "2026-11-25", "r1"));
    RecordingInfo info = info("r1", RecordingStatus.ENDED, 2, false);
    RetentionPlan plan = PLANNER.plan(folders, Map.of("r1", info), List.of(), NOW);
    assertThat(plan.deletions())
        .singleElement()
        .satisfies(d -> assertThat(d.folders()).containsExactly(folders.get(0)));
  }

  @Test
  void legalHoldKeepsEverything() {
    List<OutputPartition> folders = List.of(folder("events", "payments", "2025-01-01", "r1"));
    RecordingInfo info = info("r1", RecordingStatus.ENDED, 1, true);
    RetentionPlan plan = PLANNER.plan(folders, Map.of("r1", info), List.of("retrace.rec.r1"), NOW);
    assertThat(plan.deletions()).isEmpty();
    assertThat(plan.held()).containsExactly("r1");
  }

  @Test
  void theRawTopicGoesOnceTheRecordingEndedAndIsArchived() {
    List<OutputPartition> folders = List.of(folder("events", "orders", "2026-11-28", "r1"));
    Map<String, RecordingInfo> catalog =
        Map.of(
            "r1", info("r1", RecordingStatus.ENDED, null, false),
            "r2", info("r2", RecordingStatus.ACTIVE, null, false),
            "r3", info("r3", RecordingStatus.ENDED, null, false));
    RetentionPlan plan =
        PLANNER.plan(
            folders,
            catalog,
            List.of("retrace.rec.r1", "retrace.rec.r2", "retrace.rec.r3", "retrace.events"),
            NOW);
    // r2 is still recording; r3 ended but nothing of it is archived yet.
    assertThat(plan.deletions())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.recordingId()).isEqualTo("r1");
              assertThat(d.folders()).isEmpty();
              assertThat(d.rawTopic()).isEqualTo("retrace.rec.r1");
            });
  }

  @Test
  void aJustEndedRecordingKeepsItsRawTopicForTheGracePeriod() {
    RecordingInfo info = info("r1", RecordingStatus.ENDED, null, false);
    info.setUpdatedMicros(NOW.minusSeconds(60));
    RetentionPlan plan =
        PLANNER.plan(
            List.of(folder("events", "orders", "2026-11-28", "r1")),
            Map.of("r1", info),
            List.of("retrace.rec.r1"),
            NOW);
    assertThat(plan.isEmpty()).isTrue();
  }

  @Test
  void whenEveryFolderExpiredTheRawTopicGoesToo() {
    RetentionPlan plan =
        PLANNER.plan(
            List.of(folder("events", "payments", "2026-10-01", "r9")),
            Map.of(),
            List.of("retrace.rec.r9"),
            NOW);
    assertThat(plan.deletions())
        .singleElement()
        .satisfies(d -> assertThat(d.rawTopic()).isEqualTo("retrace.rec.r9"));
  }

  private static OutputPartition folder(String table, String service, String date, String rec) {
    return new OutputPartition(table, service, LocalDate.parse(date), rec);
  }

  private static RecordingInfo info(
      String id, RecordingStatus status, Integer retentionDays, boolean legalHold) {
    return RecordingInfo.newBuilder()
        .setRecordingId(id)
        .setStatus(status)
        .setServices(List.of("orders"))
        .setRetentionDays(retentionDays)
        .setLegalHold(legalHold)
        .setUpdatedMicros(NOW.minus(Duration.ofDays(1)))
        .build();
  }
}
