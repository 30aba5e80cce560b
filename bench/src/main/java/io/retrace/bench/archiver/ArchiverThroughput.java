package io.retrace.bench.archiver;

import io.retrace.archiver.ArchiverConfig;
import io.retrace.archiver.ArchiverService;
import io.retrace.archiver.format.ArchiveTables;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.topic.Topic;
import io.retrace.schemas.topic.TopicAdmin;
import io.retrace.schemas.topic.Topics;
import io.retrace.stack.kafka.EmbeddedKafka;
import io.retrace.stack.registry.SchemaRegistryServer;
import io.retrace.testkit.Events;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;

/**
 * Kafka → local Parquet throughput of the archiver against a bare {@link AvroParquetWriter} writing
 * the same rows (same schema, codec, data model) to one local file, in the same JVM and run.
 *
 * <p>{@code bench/run --main io.retrace.bench.archiver.ArchiverThroughput [events
 * [max.buffered.bytes]]} (defaults 500000 and 128mb).
 */
public final class ArchiverThroughput {
  private static final Instant START = Instant.parse("2026-11-28T08:00:00Z");

  private ArchiverThroughput() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
    String maxBuffered = args.length > 1 ? args[1] : "128mb";
    Path work = Files.createTempDirectory("archiver-bench");
    try (EmbeddedKafka kafka =
            EmbeddedKafka.start(work.resolve("kafka"), "127.0.0.1", 0, Map.of());
        SchemaRegistryServer registry =
            SchemaRegistryServer.start(kafka.bootstrapServers(), "127.0.0.1", 0)) {
      Topic<String, RecordedEvent> topic = Topics.EVENTS;
      try (Admin admin =
          Admin.create(
              Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
        TopicAdmin.ensure(admin, List.of(topic), (short) 1);
        produce(kafka.bootstrapServers(), registry.url(), topic, n);

        double baseline = bareWriter(n, work.resolve("bare.parquet"), false);
        System.out.printf(
            Locale.ROOT, "bare AvroParquetWriter, defaults: %,.0f rows/s%n", baseline);
        double tuned = bareWriter(n, work.resolve("bare.parquet"), true);
        System.out.printf(
            Locale.ROOT,
            "bare AvroParquetWriter, archiver's settings (no dictionary on unique columns):"
                + " %,.0f rows/s%n",
            tuned);

        Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap.servers", kafka.bootstrapServers());
        settings.put("schema.registry.url", registry.url());
        settings.put("archive.uri", work.resolve("archive").toUri().toString());
        settings.put("group.id", "bench");
        settings.put("max.buffered.bytes", maxBuffered);
        long start = System.nanoTime();
        double peakBuffered = 0;
        // Production rotation settings; closing publishes every open file and commits, and is
        // part of the measured time.
        try (ArchiverService archiver = ArchiverService.start(ArchiverConfig.of(settings))) {
          while (archiver.metrics().counter("retrace.archiver.records").count() < n) {
            peakBuffered =
                Math.max(
                    peakBuffered,
                    archiver.metrics().get("retrace.archiver.buffered.bytes").gauge().value());
            Thread.sleep(20);
          }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long committed = committed(admin, topic.name());
        if (committed != n) {
          throw new IllegalStateException("Committed " + committed + " of " + n + " events");
        }
        double rate = n / seconds;
        System.out.printf(
            Locale.ROOT,
            "archiver Kafka -> Parquet (committed): %,.0f events/s (%d events in %.2f s)%n",
            rate,
            n,
            seconds);
        System.out.printf(
            Locale.ROOT, "ratio archiver / bare writer (defaults): %.2f%n", rate / baseline);
        System.out.printf(
            Locale.ROOT, "ratio archiver / bare writer (same settings): %.2f%n", rate / tuned);
        System.out.printf(
            Locale.ROOT,
            "peak Parquet buffers: %.0f MB (max.buffered.bytes %d MB, heap limit %d MB)%n",
            peakBuffered / (1 << 20),
            ArchiverConfig.of(settings).maxBufferedBytes() >> 20,
            Runtime.getRuntime().maxMemory() >> 20);
      }
    } finally {
      try (Stream<Path> files = Files.walk(work)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Event {@code i} of the run; generated on demand so the harness holds none of them. */
  private static RecordedEvent event(int i) {
    var b =
        Events.event()
            .recording("rec-" + (i % 8))
            .service(i % 2 == 0 ? "orders" : "payments")
            .session("s-" + (i % 1000))
            .at(START.plusMillis(i));
    return i % 4 == 0
        ? b.jdbcUpdate("update orders set state = ? where id = ?", List.of("PAID", i), 1)
        : b.httpServer("GET", "/orders/" + i, 200);
  }

  private static void produce(
      String bootstrap, String registry, Topic<String, RecordedEvent> topic, int n) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    try (KafkaProducer<String, RecordedEvent> producer =
        new KafkaProducer<>(
            config,
            topic.keySerde().serializer(),
            topic.valueSerde(Map.of("schema.registry.url", registry)).serializer())) {
      for (int i = 0; i < n; i++) {
        RecordedEvent e = event(i);
        producer.send(
            new ProducerRecord<>(topic.name(), e.getRecordingId() + "|" + e.getSessionId(), e));
      }
    }
  }

  /** The baseline: the same rows through a bare AvroParquetWriter, after a warm-up file. */
  private static double bareWriter(int n, Path file, boolean tuned) throws Exception {
    SpecificData model = new SpecificData();
    model.addLogicalTypeConversion(new TimeConversions.TimestampMicrosConversion());
    write(Math.min(n, 50_000), file, model, tuned);
    long start = System.nanoTime();
    write(n, file, model, tuned);
    return n / ((System.nanoTime() - start) / 1e9);
  }

  private static void write(int n, Path file, SpecificData model, boolean tuned) throws Exception {
    Files.deleteIfExists(file);
    AvroParquetWriter.Builder<GenericRecord> builder =
        AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(file))
            .withSchema(ArchiveTables.EVENTS.schema())
            .withDataModel(model)
            .withCompressionCodec(CompressionCodecName.ZSTD)
            .withConf(new org.apache.hadoop.conf.Configuration())
            .config("parquet.avro.write-old-list-structure", "false");
    if (tuned) {
      ArchiveTables.EVENTS.uniqueColumns().forEach(c -> builder.withDictionaryEncoding(c, false));
    }
    try (ParquetWriter<GenericRecord> writer = builder.build()) {
      for (int i = 0; i < n; i++) {
        writer.write(ArchiveTables.EVENTS.toRow(event(i)));
      }
    }
  }

  private static long committed(Admin admin, String topic) throws Exception {
    Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> offsets =
        admin.listConsumerGroupOffsets("bench").partitionsToOffsetAndMetadata().get();
    return offsets.entrySet().stream()
        .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
        .mapToLong(e -> e.getValue().offset())
        .sum();
  }
}
