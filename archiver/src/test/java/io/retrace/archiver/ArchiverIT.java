package io.retrace.archiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.serde.WireFormatException;
import io.retrace.schemas.topic.Topic;
import io.retrace.schemas.topic.Topics;
import io.retrace.testkit.EventBuilder;
import io.retrace.testkit.Events;
import io.retrace.testkit.RetraceStackExtension;
import io.retrace.testkit.TestStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(RetraceStackExtension.class)
class ArchiverIT {
  @TempDir Path archive;

  @Test
  void archivesEveryEventOnceIntoTheHiveLayoutWithFlatColumns(TestStack stack) throws Exception {
    TestArchivers t = new TestArchivers(stack);
    List<RecordedEvent> sent = produce(t, 0, 300);
    try (ArchiverService archiver =
        ArchiverService.start(
            t.config(archive, Map.of("rotation.records", "40", "metrics.port", "0")))) {
      await()
          .failFast("the archiver stopped", () -> !archiver.running())
          .atMost(Duration.ofSeconds(60))
          .until(() -> ArchiveContents.eventIds(archive).size() >= sent.size());
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + archiver.metricsPort();
      HttpResponse<String> health =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/health")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(
              http.send(
                      HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body())
          .contains("retrace_archiver_records_total 300.0")
          .contains("retrace_archiver_files_published_total");
    }

    List<String> ids = ArchiveContents.eventIds(archive);
    assertThat(ids).hasSize(300);
    assertThat(new HashSet<>(ids))
        .containsExactlyInAnyOrderElementsOf(sent.stream().map(RecordedEvent::getEventId).toList());

    List<Path> files = ArchiveContents.files(archive, "events");
    assertThat(files)
        .allSatisfy(
            f -> {
              String rel = archive.relativize(f).toString();
              assertThat(rel)
                  .matches(
                      "events/service=(orders|payments)/date=2026-11-2[89]/recording=rec-[ab]/"
                          + t.events.name().replace(".", "\\.")
                          + "\\+[0-5]\\+\\d{20}\\.parquet");
            });
    // Rotation at 40 records per file: many files, none larger.
    assertThat(files.size()).isGreaterThan(300 / 40);
    assertThat(files)
        .allSatisfy(f -> assertThat(ArchiveContents.rows(f).size()).isLessThanOrEqualTo(40));
    assertThat(ArchiveContents.allFiles(archive))
        .noneMatch(p -> p.getFileName().toString().endsWith(".crc"))
        .noneMatch(p -> p.getFileName().toString().startsWith("_tmp"));

    GenericRecord http =
        ArchiveContents.rows(archive, "events").stream()
            .filter(r -> r.get("event_id").toString().equals(sent.get(2).getEventId()))
            .findFirst()
            .orElseThrow();
    assertThat(http.get("service_name")).hasToString("orders");
    assertThat(http.get("recording_id")).hasToString("rec-a");
    assertThat(http.get("kind")).hasToString("HTTP_SERVER");
    assertThat(http.get("http_method")).hasToString("GET");
    assertThat(http.get("url")).hasToString("/orders/2");
    assertThat(http.get("status")).isEqualTo(200);
    assertThat(http.get("duration_ms")).isEqualTo(1.5);
    assertThat(((GenericRecord) http.get("event")).get("eventId"))
        .hasToString(sent.get(2).getEventId());
  }

  @Test
  void aRestartResumesFromTheCommittedOffsetsWithoutLossOrDuplicates(TestStack stack)
      throws Exception {
    TestArchivers t = new TestArchivers(stack);
    List<RecordedEvent> sent = new ArrayList<>(produce(t, 0, 200));
    Map<String, String> settings = Map.of("rotation.records", "1000");
    try (ArchiverService archiver = ArchiverService.start(t.config(archive, settings))) {
      await()
          .failFast("the archiver stopped", () -> !archiver.running())
          .atMost(Duration.ofSeconds(60))
          .until(() -> ArchiveContents.eventIds(archive).size() >= 200);
    }
    sent.addAll(produce(t, 200, 200));
    try (ArchiverService archiver = ArchiverService.start(t.config(archive, settings))) {
      await()
          .failFast("the archiver stopped", () -> !archiver.running())
          .atMost(Duration.ofSeconds(60))
          .until(() -> ArchiveContents.eventIds(archive).size() >= 400);
    }
    List<String> ids = ArchiveContents.eventIds(archive);
    assertThat(ids).hasSize(400).doesNotHaveDuplicates();
    assertThat(ids)
        .containsExactlyInAnyOrderElementsOf(sent.stream().map(RecordedEvent::getEventId).toList());
  }

  @Test
  void aRecordThatCannotBeReadGoesToTheDeadLetterTopicWithItsBytesAndTheOthersAreArchived(
      TestStack stack) throws Exception {
    TestArchivers t = new TestArchivers(stack);
    Topic<byte[], byte[]> dlq = stack.freshTopic(Topics.DLQ);
    // Not the Confluent wire format: the first byte is not the magic byte 0.
    byte[] corrupt = {5, 1, 2, 3, 4, 5, 6, 7};
    List<RecordedEvent> sent = new ArrayList<>(produce(t, 0, 10));
    try (KafkaProducer<byte[], byte[]> raw =
        new KafkaProducer<>(
            stack.producerConfig(), new ByteArraySerializer(), new ByteArraySerializer())) {
      raw.send(new ProducerRecord<>(t.events.name(), 0, bytes("bad-key"), corrupt)).get();
    }
    sent.addAll(produce(t, 10, 10));
    try (ArchiverService archiver =
        ArchiverService.start(t.config(archive, Map.of("topic.dlq", dlq.name())))) {
      await()
          .failFast("the archiver stopped", () -> !archiver.running())
          .atMost(Duration.ofSeconds(60))
          .until(() -> ArchiveContents.eventIds(archive).size() >= sent.size());
    }

    assertThat(ArchiveContents.eventIds(archive))
        .containsExactlyInAnyOrderElementsOf(sent.stream().map(RecordedEvent::getEventId).toList());
    List<ConsumerRecord<byte[], byte[]>> dead = stack.readToEnd(dlq);
    assertThat(dead).hasSize(1);
    ConsumerRecord<byte[], byte[]> d = dead.get(0);
    assertThat(d.key()).isEqualTo(bytes("bad-key"));
    assertThat(d.value()).isEqualTo(corrupt);
    assertThat(header(d, "retrace.dlq.reason"))
        .isEqualTo(WireFormatException.Reason.UNKNOWN_MAGIC_BYTE.name());
    assertThat(header(d, "retrace.dlq.stage")).isEqualTo("archiver");
    assertThat(header(d, "retrace.dlq.topic")).isEqualTo(t.events.name());
    assertThat(header(d, "retrace.dlq.partition")).isEqualTo("0");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String key) {
    return new String(r.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
  }

  /**
   * {@code count} events: recordings rec-a (orders) and rec-b (payments), ten sessions each, HTTP
   * and JDBC, around midnight so they span two dates.
   */
  static List<RecordedEvent> produce(TestArchivers t, int from, int count) throws Exception {
    List<RecordedEvent> sent = new ArrayList<>();
    try (KafkaProducer<String, RecordedEvent> producer = t.stack.producer(t.events)) {
      for (int i = from; i < from + count; i++) {
        boolean a = i % 2 == 0;
        String session = "s-" + (i % 20);
        EventBuilder b =
            Events.event()
                .recording(a ? "rec-a" : "rec-b")
                .service(a ? "orders" : "payments")
                .session(session)
                .at(Instant.parse("2026-11-28T23:59:59.900Z").plusMillis(i));
        RecordedEvent e =
            i % 3 == 0
                ? b.jdbcQuery("select * from orders where id = ?", List.of("id"), List.of())
                : b.httpServer("GET", "/orders/" + i, 200);
        producer.send(new ProducerRecord<>(t.events.name(), e.getRecordingId() + "|" + session, e));
        sent.add(e);
      }
      producer.flush();
    }
    return sent;
  }
}
