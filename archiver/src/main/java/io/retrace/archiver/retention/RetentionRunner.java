package io.retrace.archiver.retention;

import io.retrace.archiver.ArchiverConfig;
import io.retrace.archiver.format.ArchiveTables;
import io.retrace.archiver.format.OutputPartition;
import io.retrace.archiver.storage.ArchiveStorage;
import io.retrace.archiver.storage.StorageFactory;
import io.retrace.schemas.event.AuditAction;
import io.retrace.schemas.event.AuditEvent;
import io.retrace.schemas.event.AuditOutcome;
import io.retrace.schemas.event.RecordingInfo;
import io.retrace.schemas.serde.AvroSerde;
import io.retrace.schemas.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out retention: reads the archive's folders, the catalog and the raw topics, plans with
 * {@link RetentionPlanner}, then deletes and writes one {@code DELETE} audit event per recording
 * (outcome {@code SUCCEEDED} or {@code FAILED}, with what was deleted in {@code detail}). A dry run
 * only reports.
 */
public final class RetentionRunner {
  private static final Logger log = LoggerFactory.getLogger(RetentionRunner.class);

  /** Raw topics of ended recordings are kept this long, so ingest and the archiver have them. */
  public static final Duration RAW_GRACE = Duration.ofHours(1);

  /** What a run did (or, dry, would do). */
  public record Report(
      boolean dryRun,
      List<String> recordings,
      int folders,
      int files,
      List<String> topics,
      List<String> held,
      List<String> failures) {}

  private RetentionRunner() {}

  /**
   * @param progress one line per step, for the command line
   */
  public static Report run(
      ArchiverConfig config, boolean dryRun, Instant now, Consumer<String> progress)
      throws Exception {
    Map<String, Object> adminConfig =
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    try (ArchiveStorage storage =
            StorageFactory.open(config.archiveUri(), StorageFactory.hadoopConfiguration(config));
        Admin admin = Admin.create(adminConfig)) {
      progress.accept("Reading the archive " + storage.describe() + " ...");
      List<OutputPartition> folders = ArchiveFolders.list(storage, ArchiveTables.RECORDING_DATA);
      progress.accept("Reading the recording catalog " + config.topicOf("recordings") + " ...");
      Map<String, RecordingInfo> catalog =
          RecordingCatalog.read(
              config.bootstrapServers(), config.schemaRegistryUrl(), config.topicOf("recordings"));
      List<String> rawTopics =
          admin.listTopics().names().get().stream()
              .filter(t -> t.startsWith(Topics.RECORDING_PREFIX))
              .toList();
      RetentionPlan plan =
          new RetentionPlanner(config.retention(), RAW_GRACE)
              .plan(folders, catalog, rawTopics, now);
      progress.accept(
          String.format(
              "%d archive folders, %d recordings in the catalog, %d raw topics: %d recordings to"
                  + " clean up, %d under legal hold",
              folders.size(),
              catalog.size(),
              rawTopics.size(),
              plan.deletions().size(),
              plan.held().size()));
      for (String id : plan.held()) {
        progress.accept("Keeping " + id + ": legal hold");
      }
      return dryRun
          ? dryReport(plan, progress)
          : execute(config, storage, admin, plan, now, progress);
    }
  }

  private static Report dryReport(RetentionPlan plan, Consumer<String> progress) {
    List<String> recordings = new ArrayList<>();
    List<String> topics = new ArrayList<>();
    int folders = 0;
    for (RetentionPlan.Deletion d : plan.deletions()) {
      progress.accept("Would delete " + describe(d));
      recordings.add(d.recordingId());
      folders += d.folders().size();
      if (d.rawTopic() != null) {
        topics.add(d.rawTopic());
      }
    }
    return new Report(true, recordings, folders, 0, topics, plan.held(), List.of());
  }

  private static Report execute(
      ArchiverConfig config,
      ArchiveStorage storage,
      Admin admin,
      RetentionPlan plan,
      Instant now,
      Consumer<String> progress)
      throws Exception {
    List<String> recordings = new ArrayList<>();
    List<String> topics = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    int folders = 0;
    int files = 0;
    Map<String, Object> producerConfig = new HashMap<>();
    producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
    producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    try (AvroSerde<AuditEvent> serde =
            AvroSerde.specific(
                AuditEvent.class,
                Map.of("schema.registry.url", config.schemaRegistryUrl()),
                false);
        KafkaProducer<String, AuditEvent> audit =
            new KafkaProducer<>(producerConfig, new StringSerializer(), serde.serializer())) {
      for (RetentionPlan.Deletion d : plan.deletions()) {
        progress.accept("Deleting " + describe(d));
        Map<String, String> detail = new LinkedHashMap<>();
        int deletedFiles = 0;
        AuditOutcome outcome = AuditOutcome.SUCCEEDED;
        try {
          for (OutputPartition f : d.folders()) {
            deletedFiles += storage.deleteRecursively(f.directory());
          }
          if (d.rawTopic() != null) {
            admin.deleteTopics(List.of(d.rawTopic())).all().get();
            topics.add(d.rawTopic());
            detail.put("rawTopic", d.rawTopic());
          }
          recordings.add(d.recordingId());
          folders += d.folders().size();
          files += deletedFiles;
        } catch (Exception e) {
          outcome = AuditOutcome.FAILED;
          detail.put("error", String.valueOf(e.getMessage()));
          failures.add(d.recordingId() + ": " + e.getMessage());
          log.warn("Retention of {} failed", d.recordingId(), e);
        }
        detail.put("archive", storage.describe());
        detail.put(
            "folders",
            String.join(",", d.folders().stream().map(OutputPartition::directory).toList()));
        detail.put("files", String.valueOf(deletedFiles));
        AuditEvent event =
            AuditEvent.newBuilder()
                .setAuditId(UUID.randomUUID().toString())
                .setTimeMicros(now)
                .setActor(config.retention().actor())
                .setAction(AuditAction.DELETE)
                .setRecordingId(d.recordingId())
                .setReason(d.reason())
                .setOutcome(outcome)
                .setDetail(detail)
                .build();
        audit.send(new ProducerRecord<>(config.topicOf("audit"), d.recordingId(), event)).get();
        progress.accept(
            "  "
                + outcome.name().toLowerCase(java.util.Locale.ROOT)
                + ": "
                + deletedFiles
                + " files");
      }
    }
    return new Report(false, recordings, folders, files, topics, plan.held(), failures);
  }

  private static String describe(RetentionPlan.Deletion d) {
    return d.recordingId()
        + ": "
        + d.folders().size()
        + " archive folders"
        + (d.rawTopic() == null ? "" : ", raw topic " + d.rawTopic())
        + " ("
        + d.reason()
        + ")";
  }
}
