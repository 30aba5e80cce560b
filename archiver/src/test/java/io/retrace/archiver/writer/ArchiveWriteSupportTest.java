package io.retrace.archiver.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.retrace.archiver.format.ArchiveTable;
import io.retrace.archiver.format.ArchiveTables;
import io.retrace.archiver.storage.LocalArchiveStorage;
import io.retrace.schemas.event.AuditAction;
import io.retrace.schemas.event.AuditEvent;
import io.retrace.schemas.event.AuditOutcome;
import io.retrace.schemas.event.ErrorInfo;
import io.retrace.schemas.event.MarkerType;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.event.RecordingInfo;
import io.retrace.schemas.event.RecordingStatus;
import io.retrace.schemas.event.SessionRef;
import io.retrace.schemas.event.SessionStatus;
import io.retrace.schemas.event.SessionSummary;
import io.retrace.schemas.event.ValueSource;
import io.retrace.testkit.EventBuilder;
import io.retrace.testkit.Events;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archiver's own row writer must produce exactly the files parquet-avro writes from the same
 * rows: same Parquet schema (names, types, logical types, repetition, nesting), same metadata, same
 * bytes, so readers, DuckDB queries, encryption paths and docs stay valid.
 */
class ArchiveWriteSupportTest {
  private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

  @TempDir Path root;

  @Test
  void eventsOfEveryKindAreWrittenAsParquetAvroWritesThem() throws Exception {
    EventBuilder b = Events.event().recording("rec-1").session("s-1").at(T0);
    List<RecordedEvent> events = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      events.add(b.httpServer("GET", "/orders/" + i, 200 + i % 4 * 100));
      events.add(b.jdbcUpdate("update orders set state = ? where id = ?", List.of("PAID", i), 1));
      events.add(
          b.jdbcQuery(
              "select id, note from orders",
              List.of("id", "note"),
              List.of(
                  Arrays.asList(i, null),
                  Arrays.asList((long) i, "x" + i),
                  List.of(true, 1.5, 2.5f, ByteBuffer.wrap(new byte[] {1, 2, (byte) i})))));
      events.add(b.value(ValueSource.RANDOM, "java.util.Random#nextLong", (long) i * 31));
      events.add(b.uuid(new UUID(i, i)));
      events.add(b.methodCall("com.acme.Orders", "place", "[" + i + "]", "{\"ok\":true}"));
      events.add(b.exception("java.lang.IllegalStateException", i % 2 == 0 ? null : "héllo " + i));
      events.add(b.marker(MarkerType.GAP, i));
      RecordedEvent tagged = b.httpClient("POST", "https://pay.example/charge?id=" + i, 502);
      tagged.setAttributes(Map.of("tier", "gold", "region", "eu-" + i % 3));
      tagged.setSessionId(null);
      events.add(tagged);
    }
    assertSameFiles(ArchiveTables.EVENTS, events);
  }

  @Test
  void sessionsRecordingsAndAuditAreWrittenAsParquetAvroWritesThem() throws Exception {
    List<SessionSummary> sessions = new ArrayList<>();
    List<RecordingInfo> recordings = new ArrayList<>();
    List<AuditEvent> audit = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      Instant t = T0.plusSeconds(i);
      sessions.add(
          SessionSummary.newBuilder()
              .setRecordingId("rec-1")
              .setSessionId("s-" + i)
              .setService("orders")
              .setEntryPoint(i % 2 == 0 ? "GET /orders/{id}" : null)
              .setStartMicros(t)
              .setEndMicros(t.plusMillis(5))
              .setEventCount(i)
              .setStatus(i % 3 == 0 ? SessionStatus.ERROR : SessionStatus.OK)
              .setHttpStatus(i % 3 == 0 ? 500 : null)
              .setError(i % 3 == 0 ? ErrorInfo.newBuilder().setType("Boom").build() : null)
              .setFirstSequence(i)
              .setLastSequence(i + 4)
              .setLinkedSessions(
                  List.of(
                      SessionRef.newBuilder()
                          .setRecordingId("rec-1")
                          .setSessionId("p-" + i)
                          .setService("payments")
                          .build()))
              .setUpdatedMicros(t.plusMillis(6))
              .build());
      recordings.add(
          RecordingInfo.newBuilder()
              .setRecordingId("rec-" + i)
              .setStatus(RecordingStatus.ENDED)
              .setServices(i % 2 == 0 ? List.of("orders") : List.of("orders", "payments"))
              .setFirstEventMicros(t)
              .setRetentionDays(i % 2 == 0 ? 7 : null)
              .setLegalHold(i % 5 == 0)
              .setUpdatedMicros(t)
              .build());
      audit.add(
          AuditEvent.newBuilder()
              .setAuditId("a-" + i)
              .setTimeMicros(t)
              .setActor("retention")
              .setAction(AuditAction.DELETE)
              .setRecordingId("rec-" + i)
              .setOutcome(i % 4 == 0 ? AuditOutcome.FAILED : AuditOutcome.SUCCEEDED)
              .setDetail(i % 2 == 0 ? Map.of() : Map.of("files", String.valueOf(i)))
              .build());
    }
    assertSameFiles(ArchiveTables.SESSIONS, sessions);
    assertSameFiles(ArchiveTables.RECORDINGS, recordings);
    assertSameFiles(ArchiveTables.AUDIT, audit);
  }

  private <V extends SpecificRecord> void assertSameFiles(ArchiveTable<V> table, List<V> records)
      throws Exception {
    Configuration conf = new Configuration();
    ParquetRecordWriterProvider provider =
        new ParquetRecordWriterProvider(
            new LocalArchiveStorage(root), conf, CompressionCodecName.ZSTD, 3, null);

    Path reference = root.resolve(table.name() + "-parquet-avro.parquet");
    try (ParquetWriter<GenericRecord> w =
        provider.builder(table, new LocalOutputFile(reference)).build()) {
      for (V r : records) {
        w.write(table.toRow(r));
      }
    }
    String ours = table.name() + "-archiver.parquet";
    RecordWriter<V> w = provider.open(table, ours);
    for (V r : records) {
      w.write(r);
    }
    w.commit();

    FileMetaData expected = footer(reference);
    FileMetaData actual = footer(root.resolve(ours));
    assertThat(actual.getSchema()).isEqualTo(expected.getSchema());
    assertThat(actual.getSchema()).isEqualTo(provider.parquetSchema(table));
    assertThat(actual.getKeyValueMetaData()).isEqualTo(expected.getKeyValueMetaData());
    assertThat(Files.readAllBytes(root.resolve(ours))).isEqualTo(Files.readAllBytes(reference));
  }

  private static FileMetaData footer(Path file) throws Exception {
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
      return reader.getFooter().getFileMetaData();
    }
  }
}
