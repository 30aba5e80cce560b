package io.retrace.archiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.retrace.archiver.storage.StorageFactory;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.testkit.RetraceStackExtension;
import io.retrace.testkit.TestStack;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The archive on S3 through S3A and the slim AWS SDK, against s3proxy in this JVM. */
@ExtendWith(RetraceStackExtension.class)
class S3IT {
  private static final String BUCKET = "retrace-archive";

  private InProcessS3 s3;

  @BeforeEach
  void startS3() throws Exception {
    s3 = new InProcessS3();
    s3.createBucket(BUCKET);
  }

  @AfterEach
  void stopS3() throws Exception {
    s3.close();
  }

  @Test
  void archivesToS3WithFinalNamesOnly(TestStack stack) throws Exception {
    TestArchivers t = new TestArchivers(stack);
    List<RecordedEvent> sent = ArchiverIT.produce(t, 0, 300);
    ArchiverConfig config = config(t, s3.port(), Map.of("rotation.records", "100"));
    try (ArchiverService archiver = ArchiverService.start(config)) {
      await()
          .failFast("the archiver stopped", () -> !archiver.running())
          .atMost(Duration.ofSeconds(60))
          .until(() -> eventIds(config).size() >= 300);
    }
    assertThat(eventIds(config))
        .hasSize(300)
        .containsExactlyInAnyOrderElementsOf(sent.stream().map(RecordedEvent::getEventId).toList());
    assertThat(objectNames(config))
        .isNotEmpty()
        .allMatch(
            name ->
                name.matches(
                    "archive/events/service=(orders|payments)/date=2026-11-2[89]/recording=rec-[ab]/"
                        + t.events.name().replace(".", "\\.")
                        + "\\+\\d\\+\\d{20}\\.parquet"),
            "final archive names, no temporary objects");
  }

  @Test
  void anOutageOfTheStoreIsRetriedWithoutLossOrDuplicates(TestStack stack) throws Exception {
    TestArchivers t = new TestArchivers(stack);
    try (FaultyProxy proxy = new FaultyProxy(s3.port())) {
      ArchiverConfig config =
          config(
              t,
              proxy.port(),
              Map.of(
                  "rotation.records", "50",
                  "retry.backoff.initial", "200ms",
                  "retry.backoff.max", "1s",
                  "s3.max.attempts", "1"));
      List<RecordedEvent> sent = new ArrayList<>(ArchiverIT.produce(t, 0, 200));
      try (ArchiverService archiver = ArchiverService.start(config)) {
        await()
            .failFast("the archiver stopped", () -> !archiver.running())
            .atMost(Duration.ofSeconds(60))
            .until(() -> eventIds(config).size() >= 200);
        proxy.failing(true);
        sent.addAll(ArchiverIT.produce(t, 200, 300));
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    proxy.failedRequests() > 5
                        && archiver.metrics().counter("retrace.archiver.retries").count() >= 2);
        proxy.failing(false);
        await().atMost(Duration.ofSeconds(90)).until(() -> eventIds(config).size() >= sent.size());
        assertThat(archiver.running()).isTrue();
      }
      List<String> ids = eventIds(config);
      assertThat(ids).hasSize(500).doesNotHaveDuplicates();
      assertThat(ids)
          .containsExactlyInAnyOrderElementsOf(
              sent.stream().map(RecordedEvent::getEventId).toList());
    }
  }

  @Test
  void wrongCredentialsStopTheArchiverAtStartWithAClearMessage(TestStack stack) {
    TestArchivers t = new TestArchivers(stack);
    ArchiverConfig config = config(t, s3.port(), Map.of("s3.secret.key", "wrong"));
    assertThatThrownBy(() -> ArchiverService.start(config))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("Cannot open the archive s3a://" + BUCKET);
  }

  @Test
  void aBucketThatDisappearsStopsTheArchiverWithNothingCommitted(TestStack stack) throws Exception {
    TestArchivers t = new TestArchivers(stack);
    ArchiverConfig config = config(t, s3.port(), Map.of("rotation.records", "1000"));
    try (ArchiverService archiver = ArchiverService.start(config)) {
      await()
          .failFast("the archiver stopped", () -> !archiver.running())
          .atMost(Duration.ofSeconds(30))
          .until(archiver::assigned);
      s3.store().deleteContainer(BUCKET);
      ArchiverIT.produce(t, 0, 50);
      assertThat(archiver.awaitStop(Duration.ofSeconds(60))).isTrue();
      assertThat(archiver.failure()).isNotNull();
      assertThat(archiver.problem()).containsIgnoringCase("bucket");
    }
    Map<TopicPartition, OffsetAndMetadata> committed =
        stack.admin().listConsumerGroupOffsets(t.group).partitionsToOffsetAndMetadata().get();
    assertThat(committed.values()).allMatch(o -> o == null || o.offset() == 0);
  }

  private static ArchiverConfig config(TestArchivers t, int port, Map<String, String> overrides) {
    Map<String, String> s = new HashMap<>();
    s.put("s3.endpoint", "http://127.0.0.1:" + port);
    s.put("s3.path.style", "true");
    s.put("s3.access.key", InProcessS3.ACCESS_KEY);
    s.put("s3.secret.key", InProcessS3.SECRET_KEY);
    s.putAll(overrides);
    return ArchiverConfig.of(t.settings("s3a://" + BUCKET + "/archive", s));
  }

  private static FileSystem fs(ArchiverConfig config) throws IOException {
    Configuration conf = StorageFactory.hadoopConfiguration(config);
    return FileSystem.newInstance(URI.create("s3a://" + BUCKET), conf);
  }

  private List<String> objectNames(ArchiverConfig config) throws IOException {
    List<String> names = new ArrayList<>();
    try (FileSystem fs = fs(config)) {
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(new Path("s3a://" + BUCKET + "/"), true);
      while (it.hasNext()) {
        names.add(it.next().getPath().toUri().getPath().substring(1));
      }
    }
    return names;
  }

  private List<String> eventIds(ArchiverConfig config) throws IOException {
    List<String> ids = new ArrayList<>();
    Configuration conf = StorageFactory.hadoopConfiguration(config);
    try (FileSystem fs = fs(config)) {
      Path events = new Path("s3a://" + BUCKET + "/archive/events");
      if (!fs.exists(events)) {
        return ids;
      }
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(events, true);
      while (it.hasNext()) {
        Path file = it.next().getPath();
        if (!file.getName().endsWith(".parquet")) {
          // s3proxy's own staging copy of an object being PUT; S3 itself never lists one.
          continue;
        }
        try (ParquetReader<GenericRecord> reader =
            AvroParquetReader.<GenericRecord>builder(HadoopInputFile.fromPath(file, conf))
                .withDataModel(GenericData.get())
                .build()) {
          for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
            ids.add(r.get("event_id").toString());
          }
        }
      }
    }
    return ids;
  }
}
