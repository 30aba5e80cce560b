package io.retrace.archiver;

import static org.assertj.core.api.Assertions.assertThat;

import io.retrace.archiver.format.OutputPartition;
import io.retrace.archiver.retention.RetentionRunner;
import io.retrace.archiver.storage.ArchiveStorage;
import io.retrace.archiver.storage.LocalArchiveStorage;
import io.retrace.schemas.event.AuditAction;
import io.retrace.schemas.event.AuditEvent;
import io.retrace.schemas.event.AuditOutcome;
import io.retrace.schemas.event.RecordingInfo;
import io.retrace.schemas.event.RecordingStatus;
import io.retrace.testkit.RetraceStackExtension;
import io.retrace.testkit.TestStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(RetraceStackExtension.class)
class RetentionIT {
  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

  @TempDir Path archive;

  @Test
  void deletesExpiredRecordingsAndTheirRawTopicsKeepsLegalHoldsAndAuditsEachDeletion(
      TestStack stack) throws Exception {
    TestArchivers t = new TestArchivers(stack);
    String expired = stack.uniqueName("expired");
    String held = stack.uniqueName("held");
    String fresh = stack.uniqueName("fresh");
    stack.createTopic("retrace.rec." + expired, 1);
    stack.createTopic("retrace.rec." + held, 1);
    Path expiredEvents = folder("events", "payments", "2026-11-01", expired);
    Path expiredSessions = folder("sessions", "payments", "2026-11-01", expired);
    Path heldEvents = folder("events", "payments", "2026-01-01", held);
    Path freshEvents = folder("events", "payments", "2026-11-27", fresh);
    try (KafkaProducer<String, RecordingInfo> producer = stack.producer(t.recordings)) {
      producer.send(record(t, info(held, true)));
      producer.send(record(t, info(expired, false)));
    }
    ArchiverConfig config = t.config(archive, Map.of("retention.services", "payments=7"));

    List<String> lines = new ArrayList<>();
    RetentionRunner.Report dry = RetentionRunner.run(config, true, NOW, lines::add);
    assertThat(dry.recordings()).containsExactly(expired);
    assertThat(dry.topics()).containsExactly("retrace.rec." + expired);
    assertThat(dry.held()).containsExactly(held);
    assertThat(lines).anyMatch(l -> l.startsWith("Would delete " + expired));
    assertThat(expiredEvents).exists();
    assertThat(stack.admin().listTopics().names().get()).contains("retrace.rec." + expired);
    assertThat(stack.readToEnd(t.audit)).isEmpty();

    RetentionRunner.Report report = RetentionRunner.run(config, false, NOW, lines::add);
    assertThat(report.recordings()).containsExactly(expired);
    assertThat(report.folders()).isEqualTo(2);
    assertThat(report.files()).isEqualTo(2);
    assertThat(report.failures()).isEmpty();
    assertThat(expiredEvents).doesNotExist();
    assertThat(expiredSessions).doesNotExist();
    assertThat(heldEvents).exists();
    assertThat(freshEvents).exists();
    assertThat(stack.admin().listTopics().names().get())
        .doesNotContain("retrace.rec." + expired)
        .contains("retrace.rec." + held);

    List<ConsumerRecord<String, AuditEvent>> audit = stack.readToEnd(t.audit);
    assertThat(audit)
        .singleElement()
        .satisfies(
            r -> {
              AuditEvent e = r.value();
              assertThat(e.getAction()).isEqualTo(AuditAction.DELETE);
              assertThat(e.getOutcome()).isEqualTo(AuditOutcome.SUCCEEDED);
              assertThat(e.getRecordingId()).isEqualTo(expired);
              assertThat(e.getActor()).isEqualTo("retrace-archiver");
              assertThat(e.getReason()).contains("7 days");
              assertThat(e.getDetail())
                  .containsEntry("rawTopic", "retrace.rec." + expired)
                  .containsEntry("files", "2");
              assertThat(e.getDetail().get("folders")).contains("events/service=payments");
            });
  }

  private Path folder(String table, String service, String date, String recording)
      throws Exception {
    OutputPartition p = new OutputPartition(table, service, LocalDate.parse(date), recording);
    try (ArchiveStorage storage = new LocalArchiveStorage(archive)) {
      ArchiveStorage.PendingFile file = storage.create(p.directory() + "/t+0+0.parquet");
      file.outputFile().create(0).close();
      file.publish();
    }
    Path dir = archive.resolve(p.directory());
    assertThat(Files.list(dir)).hasSize(1);
    return dir;
  }

  private static ProducerRecord<String, RecordingInfo> record(TestArchivers t, RecordingInfo i) {
    return new ProducerRecord<>(t.recordings.name(), i.getRecordingId(), i);
  }

  private static RecordingInfo info(String id, boolean legalHold) {
    return RecordingInfo.newBuilder()
        .setRecordingId(id)
        .setStatus(RecordingStatus.ENDED)
        .setServices(List.of("payments"))
        .setLegalHold(legalHold)
        .setUpdatedMicros(NOW.minus(Duration.ofDays(20)))
        .build();
  }
}
