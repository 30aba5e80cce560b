package io.retrace.archiver.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.retrace.archiver.format.ArchiveTables;
import io.retrace.archiver.storage.ArchiveStorage;
import io.retrace.archiver.storage.LocalArchiveStorage;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.testkit.Events;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
            provider, policy, 2, 16_000, 0, committed::put, new SimpleMeterRegistry(), clock::get);
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

  @Test
  void encodingThreadsWriteTheSameFilesAndCommitOnlyWhatIsPublished() throws Exception {
    List<TopicPartition> partitions =
        List.of(
            TP, new TopicPartition("retrace.events", 4), new TopicPartition("retrace.audit", 0));
    List<RecordedEvent> events = interleaved(240);
    Path inline = root.resolve("inline");
    Path threaded = root.resolve("threaded");
    Map<TopicPartition, Long> inlineCommits = new HashMap<>();
    ArchiveWriter one =
        writer(
            inline,
            new LocalArchiveStorage(inline),
            policy(10, Duration.ofHours(1)),
            0,
            inlineCommits::put);
    List<String> violations = new ArrayList<>();
    ArchiveWriter two =
        writer(
            threaded,
            new LocalArchiveStorage(threaded),
            policy(10, Duration.ofHours(1)),
            2,
            (tp, next) -> {
              // Every record of the partition below the committed offset is in a visible file.
              List<String> visible = archivedIds(threaded);
              for (int i = 0; i < events.size(); i++) {
                String id = events.get(i).getEventId();
                if (partitions.get(i % 3).equals(tp) && i / 3 < next && !visible.contains(id)) {
                  violations.add(tp + "@" + next + " committed before " + id + " was visible");
                }
              }
              committed.put(tp, next);
            });
    for (int i = 0; i < events.size(); i++) {
      one.write(partitions.get(i % 3), ArchiveTables.EVENTS, i / 3, events.get(i), 300);
      two.write(partitions.get(i % 3), ArchiveTables.EVENTS, i / 3, events.get(i), 300);
    }
    one.rotateAll();
    two.rotateAll();
    two.close();

    assertThat(violations).isEmpty();
    assertThat(committed).isEqualTo(inlineCommits);
    assertThat(committed.values()).containsOnly(80L);
    List<Path> files = archiveFiles(inline);
    assertThat(files).hasSizeGreaterThan(partitions.size() * 3);
    assertThat(archiveFiles(threaded).stream().map(threaded::relativize).toList())
        .isEqualTo(files.stream().map(inline::relativize).toList());
    for (Path file : files) {
      assertThat(threaded.resolve(inline.relativize(file))).hasSameBinaryContentAs(file);
    }
    assertThat(archivedIds(threaded))
        .containsExactlyInAnyOrderElementsOf(
            events.stream().map(RecordedEvent::getEventId).toList());
  }

  @Test
  void crashBetweenPublishAndCommitWithEncodingThreadsLeavesEachEventOnce() throws Exception {
    List<RecordedEvent> events = interleaved(40);
    int[] commits = {0};
    ArchiveWriter first =
        writer(
            root,
            new LocalArchiveStorage(root),
            policy(4, Duration.ofHours(1)),
            2,
            (tp, next) -> {
              if (++commits[0] == 2) {
                throw new IllegalStateException("process killed before the commit");
              }
              committed.put(tp, next);
            });
    // The commit runs once the encoding thread reported the publication: during a later write,
    // or at the latest in rotateAll.
    assertThatThrownBy(
            () -> {
              writeFrom(first, events, 0);
              first.rotateAll();
            })
        .isInstanceOf(ArchiveWriteException.class);
    first.dropAll();
    first.close();
    long resumeAt = committed.get(TP);
    assertThat(resumeAt).isGreaterThan(0).isLessThan(events.size());

    ArchiveWriter second =
        writer(
            root, new LocalArchiveStorage(root), policy(7, Duration.ofHours(1)), 2, committed::put);
    writeFrom(second, events, (int) resumeAt);
    second.rotateAll();
    second.close();

    List<String> ids = archivedIds(root);
    assertThat(ids).doesNotHaveDuplicates();
    assertThat(ids)
        .containsExactlyInAnyOrderElementsOf(
            events.stream().map(RecordedEvent::getEventId).toList());
    assertThat(committed.get(TP)).isEqualTo(events.size());
  }

  @Test
  void openFilesAndBufferedBytesStayWithinTheirBoundsWithEncodingThreads() throws Exception {
    long max = 32_000;
    ArchiveWriter w =
        new ArchiveWriter(
            provider(root, new LocalArchiveStorage(root)),
            policy(100_000, Duration.ofHours(1)),
            2,
            max,
            2,
            committed::put,
            new SimpleMeterRegistry(),
            clock::get);
    List<RecordedEvent> events = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      events.add(
          Events.event()
              .recording("rec-" + (i / 50) % 3)
              .at(T0.plusSeconds(i))
              .httpServer("GET", "/orders/" + i, 200));
    }
    // Between two checks on the consumer thread, an encoding thread can add one memory sample to
    // each of the two open files: what a sample's worth of these rows takes in a fresh file.
    RecordWriter<RecordedEvent> probe = provider().open(ArchiveTables.EVENTS, "probe.parquet");
    for (RecordedEvent e : events.subList(0, TopicPartitionWriter.MEMORY_SAMPLE_RECORDS)) {
      probe.write(e);
    }
    long slack = 2 * probe.bufferedBytes();
    probe.abort();
    assertThat(slack).isPositive();
    long peak = 0;
    for (int i = 0; i < events.size(); i++) {
      w.write(TP, ArchiveTables.EVENTS, i, events.get(i), 500);
      assertThat(w.openFiles()).isLessThanOrEqualTo(2);
      assertThat(w.bufferedBytes()).isLessThanOrEqualTo(max + slack);
      peak = Math.max(peak, w.bufferedBytes());
    }
    w.rotateAll();
    w.close();
    assertThat(peak).as("buffers were measured, not assumed").isGreaterThan(0);
    assertThat(w.bufferedBytes()).isZero();
    assertThat(committed.get(TP)).isEqualTo(3000);
    // A switch of recording needs a third file, so 60 rotations at least; the memory bound adds
    // more.
    assertThat(archiveFiles(root).size()).isGreaterThan(60);
    assertThat(archivedIds(root)).hasSize(3000).doesNotHaveDuplicates();
  }

  @ParameterizedTest(name = "{0} encoding threads")
  @ValueSource(ints = {0, 2})
  void aFailingFileStopsItsPartitionWithoutCommitAndARerunWritesItAgain(int threads)
      throws Exception {
    List<RecordedEvent> events = interleaved(30);
    // The first file of rec-1 cannot be created; any later attempt can.
    int[] failures = {1};
    LocalArchiveStorage disk = new LocalArchiveStorage(root);
    ArchiveStorage storage =
        new ArchiveStorage() {
          @Override
          public PendingFile create(String relativePath) throws IOException {
            if (relativePath.contains("recording=rec-1") && failures[0]-- > 0) {
              throw new IOException("503 Slow Down");
            }
            return disk.create(relativePath);
          }

          @Override
          public List<String> list(String relativeDir) throws IOException {
            return disk.list(relativeDir);
          }

          @Override
          public int deleteRecursively(String relativeDir) throws IOException {
            return disk.deleteRecursively(relativeDir);
          }

          @Override
          public String describe() {
            return disk.describe();
          }

          @Override
          public void close() {}
        };
    ArchiveWriter w =
        writer(root, storage, policy(1000, Duration.ofHours(1)), threads, committed::put);
    assertThatThrownBy(
            () -> {
              writeFrom(w, events, 0);
              w.rotateAll();
            })
        .isInstanceOf(ArchiveWriteException.class)
        .hasMessageContaining("503 Slow Down")
        .satisfies(e -> assertThat(((ArchiveWriteException) e).fatal()).isFalse());
    assertThat(committed).isEmpty();
    assertThat(archiveFiles(root)).isEmpty();
    assertThat(w.openFiles()).isZero();

    // What the consumer loop does next: drop everything and go again from the committed offset.
    w.dropAll();
    writeFrom(w, events, 0);
    w.rotateAll();
    w.close();
    assertThat(committed.get(TP)).isEqualTo(events.size());
    assertThat(archivedIds(root))
        .containsExactlyInAnyOrderElementsOf(
            events.stream().map(RecordedEvent::getEventId).toList());
  }

  private void writeFrom(ArchiveWriter w, List<RecordedEvent> events, int from)
      throws ArchiveWriteException, InterruptedException {
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
    return writer(root, new LocalArchiveStorage(root), policy, 0, committer);
  }

  private ArchiveWriter writer(
      Path dir,
      ArchiveStorage storage,
      RotationPolicy policy,
      int threads,
      ArchiveWriter.Committer committer) {
    return new ArchiveWriter(
        provider(dir, storage),
        policy,
        100,
        1L << 30,
        threads,
        committer,
        new SimpleMeterRegistry(),
        clock::get);
  }

  private ParquetRecordWriterProvider provider() throws IOException {
    return provider(root, new LocalArchiveStorage(root));
  }

  private static ParquetRecordWriterProvider provider(Path dir, ArchiveStorage storage) {
    Configuration conf = new Configuration();
    conf.set("fs.file.impl", "org.apache.hadoop.fs.RawLocalFileSystem");
    return new ParquetRecordWriterProvider(storage, conf, CompressionCodecName.ZSTD, 3, null);
  }

  private static RotationPolicy policy(long records, Duration span) {
    return new RotationPolicy(records, Long.MAX_VALUE, span, Duration.ofMinutes(10));
  }

  private List<Path> archiveFiles() throws IOException {
    return archiveFiles(root);
  }

  private static List<Path> archiveFiles(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(p -> p.getFileName().toString().endsWith(".parquet"))
          .filter(p -> !p.getFileName().toString().startsWith("_"))
          .sorted()
          .toList();
    }
  }

  private List<String> archivedIds() {
    return archivedIds(root);
  }

  /** The event ids in the visible files under {@code dir}; unchecked, for use in a committer. */
  private static List<String> archivedIds(Path dir) {
    List<String> ids = new ArrayList<>();
    try {
      for (Path file : archiveFiles(dir)) {
        try (ParquetReader<GenericRecord> reader =
            AvroParquetReader.<GenericRecord>builder(new LocalInputFile(file))
                .withDataModel(GenericData.get())
                .build()) {
          for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
            ids.add(r.get("event_id").toString());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ids;
  }
}
