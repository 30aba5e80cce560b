package io.retrace.archiver.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.retrace.archiver.format.ArchiveTables;
import io.retrace.archiver.storage.LocalArchiveStorage;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.testkit.Events;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.kafka.common.TopicPartition;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveWriterTest {
  private static final TopicPartition TP = new TopicPartition("retrace.events", 3);
  private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

  @TempDir Path root;
  private final Map<TopicPartition, Long> committed = new HashMap<>();
  private final AtomicLong clock = new AtomicLong();

  @Test
  void crashBetweenPublishAndCommitThenDifferentRotationLeavesEachEventOnce() throws Exception {
    List<RecordedEvent> events = interleaved(40);
    // Run 1 publishes its second generation of files, then dies before committing it.
    int[] commits = {0};
    ArchiveWriter first =
        writer(
            policy(4, Duration.ofHours(1)),
            (tp, next) -> {
              if (++commits[0] == 2) {
                throw new IllegalStateException("process killed before the commit");
              }
              committed.put(tp, next);
            });
    assertThatThrownBy(() -> writeFrom(first, events, 0)).isInstanceOf(ArchiveWriteException.class);
    first.dropAll();
    long resumeAt = committed.get(TP);
    assertThat(resumeAt).isGreaterThan(0).isLessThan(events.size());

    // Run 2 resumes at the committed offset and cuts files elsewhere (as a wall-clock interval
    // would), replacing the files of the same names that run 1 published.
    ArchiveWriter second = writer(policy(7, Duration.ofHours(1)), committed::put);
    writeFrom(second, events, (int) resumeAt);
    second.rotateAll();

    List<String> ids = archivedIds();
    assertThat(ids).doesNotHaveDuplicates();
    assertThat(ids)
        .containsExactlyInAnyOrderElementsOf(
            events.stream().map(RecordedEvent::getEventId).toList());
    assertThat(committed.get(TP)).isEqualTo(events.size());
  }

  @Test
  void filesAreInvisibleUntilPublishedAndDroppedFilesLeaveNothing() throws Exception {
    ArchiveWriter w = writer(policy(1000, Duration.ofHours(1)), committed::put);
    writeFrom(w, interleaved(10), 0);
    assertThat(archiveFiles()).isEmpty();
    assertThat(w.openFiles()).isEqualTo(3);
    w.dropAll();
    try (Stream<Path> all = Files.walk(root)) {
      assertThat(all.filter(Files::isRegularFile)).isEmpty();
    }
    assertThat(committed).isEmpty();
  }

  @Test
  void openFilesAndBufferedBytesStayWithinTheirBounds() throws Exception {
    RotationPolicy policy = policy(1000, Duration.ofHours(1));
    ParquetRecordWriterProvider provider = provider();
    ArchiveWriter w =
        new ArchiveWriter(
            provider, policy, 2, 16_000, committed::put, new SimpleMeterRegistry(), clock::get);
    // Runs of 50 events per recording, three recordings through two writers.
    List<RecordedEvent> events = new ArrayList<>();
    for (int i = 0; i < 1500; i++) {
      events.add(
          Events.event()
              .recording("rec-" + (i / 50) % 3)
              .at(T0.plusSeconds(i))
              .httpServer("GET", "/orders/" + i, 200));
    }
    long peak = 0;
    for (int i = 0; i < events.size(); i++) {
      w.write(TP, ArchiveTables.EVENTS, i, events.get(i), 500);
      assertThat(w.openFiles()).isLessThanOrEqualTo(2);
      assertThat(w.bufferedBytes()).isLessThanOrEqualTo(16_000);
      peak = Math.max(peak, w.bufferedBytes());
    }
    w.rotateAll();
    assertThat(peak).as("buffers were measured, not assumed").isGreaterThan(0);
    assertThat(committed.get(TP)).isEqualTo(1500);
    // A switch of recording needs a third writer and 16 KB holds about 30 events: both close
    // files, so there are more than either alone would make.
    assertThat(archiveFiles().size()).isGreaterThan(45);
    assertThat(archivedIds()).hasSize(1500).doesNotHaveDuplicates();
  }

  @Test
  void recordTimeSpanAndIntervalRotateFiles() throws Exception {
    ArchiveWriter w = writer(policy(1000, Duration.ofMinutes(30)), committed::put);
    List<RecordedEvent> events = new ArrayList<>();
    events.add(Events.event().recording("r").at(T0).httpServer("GET", "/a", 200));
    events.add(Events.event().recording("r").at(T0.plusSeconds(60)).httpServer("GET", "/b", 200));
    // 40 minutes later: outside the first file's 30-minute span.
    events.add(Events.event().recording("r").at(T0.plusSeconds(2400)).httpServer("GET", "/c", 200));
    writeFrom(w, events, 0);
    assertThat(archiveFiles()).hasSize(1);
    assertThat(committed.get(TP)).isEqualTo(2);

    clock.addAndGet(Duration.ofMinutes(11).toNanos());
    w.rotateDue();
    assertThat(archiveFiles()).hasSize(2);
    assertThat(committed.get(TP)).isEqualTo(3);
    assertThat(archiveFiles().get(1).getFileName().toString())
        .isEqualTo("retrace.events+3+00000000000000000002.parquet");
  }

  private void writeFrom(ArchiveWriter w, List<RecordedEvent> events, int from)
      throws ArchiveWriteException {
    for (int i = from; i < events.size(); i++) {
      w.write(TP, ArchiveTables.EVENTS, i, events.get(i), 300);
    }
  }

  /** Events of three recordings, interleaved in one Kafka partition. */
  private static List<RecordedEvent> interleaved(int n) {
    List<RecordedEvent> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      events.add(
          Events.event()
              .recording("rec-" + (i % 3))
              .at(T0.plusSeconds(i))
              .httpServer("GET", "/orders/" + i, 200));
    }
    return events;
  }

  private ArchiveWriter writer(RotationPolicy policy, ArchiveWriter.Committer committer)
      throws IOException {
    return new ArchiveWriter(
        provider(), policy, 100, 1L << 30, committer, new SimpleMeterRegistry(), clock::get);
  }

  private ParquetRecordWriterProvider provider() throws IOException {
    Configuration conf = new Configuration();
    conf.set("fs.file.impl", "org.apache.hadoop.fs.RawLocalFileSystem");
    return new ParquetRecordWriterProvider(
        new LocalArchiveStorage(root), conf, CompressionCodecName.ZSTD, null);
  }

  private static RotationPolicy policy(long records, Duration span) {
    return new RotationPolicy(records, Long.MAX_VALUE, span, Duration.ofMinutes(10));
  }

  private List<Path> archiveFiles() throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(p -> p.getFileName().toString().endsWith(".parquet"))
          .filter(p -> !p.getFileName().toString().startsWith("_"))
          .sorted()
          .toList();
    }
  }

  private List<String> archivedIds() throws IOException {
    List<String> ids = new ArrayList<>();
    for (Path file : archiveFiles()) {
      try (ParquetReader<GenericRecord> reader =
          AvroParquetReader.<GenericRecord>builder(new LocalInputFile(file))
              .withDataModel(GenericData.get())
              .build()) {
        for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
          ids.add(r.get("event_id").toString());
        }
      }
    }
    return ids;
  }
}
