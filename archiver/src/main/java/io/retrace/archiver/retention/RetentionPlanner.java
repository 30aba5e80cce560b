package io.retrace.archiver.retention;

import io.retrace.archiver.ArchiverConfig.RetentionSettings;
import io.retrace.archiver.format.OutputPartition;
import io.retrace.schemas.event.RecordingInfo;
import io.retrace.schemas.event.RecordingStatus;
import io.retrace.schemas.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Decides what retention deletes; pure, so every rule is tested without storage or Kafka.
 *
 * <ul>
 *   <li>An archive folder ({@code table/service/date/recording}) expires once its date is older
 *       than the recording's retention: the recording's own {@code retentionDays} when set, else
 *       the service's ({@code retention.services}), else {@code retention.default.days}.
 *   <li>A recording under legal hold is never touched, archive or raw topic.
 *   <li>A raw topic {@code retrace.rec.<id>} goes once the recording has ended (or was deleted)
 *       more than {@code rawGrace} ago and the archive holds its events, so ingest and the archiver
 *       have had it; or when every archived folder of the recording has expired.
 * </ul>
 */
public final class RetentionPlanner {
  private final RetentionSettings settings;
  private final Duration rawGrace;

  public RetentionPlanner(RetentionSettings settings, Duration rawGrace) {
    this.settings = settings;
    this.rawGrace = rawGrace;
  }

  /**
   * @param folders the recording folders found in the archive
   * @param catalog the latest catalog entry per recording id (may lack some)
   * @param rawTopics the raw recording topics that exist
   */
  public RetentionPlan plan(
      Collection<OutputPartition> folders,
      Map<String, RecordingInfo> catalog,
      Collection<String> rawTopics,
      Instant now) {
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    Map<String, List<OutputPartition>> byRecording = new TreeMap<>();
    for (OutputPartition f : folders) {
      byRecording.computeIfAbsent(f.recording(), r -> new ArrayList<>()).add(f);
    }
    TreeSet<String> recordings = new TreeSet<>(byRecording.keySet());
    for (String topic : rawTopics) {
      String id = Topics.recordingIdOf(topic);
      if (id != null) {
        recordings.add(id);
      }
    }
    List<RetentionPlan.Deletion> deletions = new ArrayList<>();
    List<String> held = new ArrayList<>();
    for (String id : recordings) {
      RecordingInfo info = catalog.get(id);
      List<OutputPartition> archived = byRecording.getOrDefault(id, List.of());
      List<OutputPartition> expired = new ArrayList<>();
      for (OutputPartition f : archived) {
        int days = retentionDays(info, f);
        if (f.date().isBefore(today.minusDays(days))) {
          expired.add(f);
        }
      }
      String raw = Topics.RECORDING_PREFIX + id;
      boolean hasRaw = rawTopics.contains(raw);
      boolean allExpired = !archived.isEmpty() && expired.size() == archived.size();
      boolean archivedAndEnded =
          info != null
              && ended(info)
              && !info.getUpdatedMicros().isAfter(now.minus(rawGrace))
              && archived.stream().anyMatch(f -> f.table().equals("events"));
      boolean deleteRaw = hasRaw && (allExpired || archivedAndEnded);
      if (expired.isEmpty() && !deleteRaw) {
        continue;
      }
      if (info != null && info.getLegalHold()) {
        held.add(id);
        continue;
      }
      String reason =
          !expired.isEmpty()
              ? "retention: archived data older than "
                  + retentionDays(info, expired.get(0))
                  + " days"
              : "raw topic no longer needed: recording ended and archived";
      deletions.add(new RetentionPlan.Deletion(id, expired, deleteRaw ? raw : null, reason));
    }
    return new RetentionPlan(deletions, held);
  }

  private int retentionDays(RecordingInfo info, OutputPartition folder) {
    if (info != null && info.getRetentionDays() != null) {
      return info.getRetentionDays();
    }
    if (!folder.service().equals(OutputPartition.NONE)) {
      return settings.daysFor(folder.service());
    }
    // Folders without a single service (the catalog table) keep as long as the longest service.
    if (info != null && !info.getServices().isEmpty()) {
      return info.getServices().stream().mapToInt(settings::daysFor).max().getAsInt();
    }
    return settings.defaultDays();
  }

  private static boolean ended(RecordingInfo info) {
    return info.getStatus() == RecordingStatus.ENDED || info.getStatus() == RecordingStatus.DELETED;
  }
}
