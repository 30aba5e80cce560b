package io.retrace.bench.archiver;

import io.retrace.archiver.ArchiverConfig;
import io.retrace.archiver.ArchiverService;
import io.retrace.archiver.format.ArchiveTables;
import io.retrace.archiver.writer.ParquetRecordWriterProvider;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.topic.Topic;
import io.retrace.schemas.topic.TopicAdmin;
import io.retrace.schemas.topic.Topics;
import io.retrace.stack.kafka.EmbeddedKafka;
import io.retrace.stack.registry.SchemaRegistryServer;
import io.retrace.testkit.Events;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.hadoop.conf.Configuration;
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
import org.apache.parquet.io.OutputFile;

/**
 * Kafka → local Parquet throughput of the archiver against a bare {@link AvroParquetWriter} writing
 * the same rows (same schema, codec, data model) to one local file, in the same JVM and run: once
 * with Parquet's defaults, once with exactly the archiver's writer settings. Both are warmed up
 * first (a warm-up file; a warm-up run on another topic), and both report CPU time as well as a
 * rate, which holds up better on a shared machine.
 *
 * <p>{@code bench/run --main io.retrace.bench.archiver.ArchiverThroughput [events
 * [max.buffered.bytes [warm-up events]]]} (defaults 1500000, 128mb and 200000). The measured run is
 * long on purpose: 500,000 events over 48 writers (6 partitions × 8 folders) reach neither the
 * production rotation size nor the buffer bound (buffers peak at 75 MB of 128 MB), so every file is
 * closed in one burst at the end, and the JIT compiles for a third of such a run; it measures
 * filling buffers and one flush rather than an archiver that runs for hours, where the bound
 * flushes the largest writers as it goes. At 1,500,000 the bound is reached and the JIT's share is
 * smaller. A warm-up longer than the default does not help: each run starts a new archiver.
 */
public final class ArchiverThroughput {
  private static final Instant START = Instant.parse("2026-11-28T08:00:00Z");

  /** Rows the baseline builds at a time, untimed, before writing them. */
  private static final int CHUNK = 10_000;

  private ArchiverThroughput() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_500_000;
    String maxBuffered = args.length > 1 ? args[1] : "128mb";
    int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 200_000;
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

        SpecificData model = new SpecificData();
        model.addLogicalTypeConversion(new TimeConversions.TimestampMicrosConversion());
        double baseline =
            bareWriter(
                n,
                work.resolve("bare.parquet"),
                "Parquet's defaults",
                out ->
                    AvroParquetWriter.<GenericRecord>builder(out)
                        .withSchema(ArchiveTables.EVENTS.schema())
                        .withDataModel(model)
                        .withCompressionCodec(CompressionCodecName.ZSTD)
                        .withConf(new Configuration())
                        .config("parquet.avro.write-old-list-structure", "false"));
        // Exactly the settings the archiver writes its files with, from the same code.
        ArchiverConfig defaults =
            ArchiverConfig.of(settings(kafka, registry, work, topic, maxBuffered));
        ParquetRecordWriterProvider archiverSettings =
            new ParquetRecordWriterProvider(
                null,
                new Configuration(),
                CompressionCodecName.valueOf(defaults.compression().name()),
                defaults.compressionLevel(),
                null);
        double tuned =
            bareWriter(
                n,
                work.resolve("bare.parquet"),
                String.format(
                    Locale.ROOT,
                    "archiver's settings (%d KB pages, no dictionary on unique columns, %s level"
                        + " %d)",
                    ParquetRecordWriterProvider.PAGE_BYTES >> 10,
                    defaults.compression(),
                    defaults.compressionLevel()),
                out -> archiverSettings.builder(ArchiveTables.EVENTS, out));

        // The bare writer wrote a warm-up file first; the archiver gets a warm-up run too, on
        // other records, so that neither figure pays for JIT compilation.
        Topic<String, RecordedEvent> warmupTopic =
            new Topic<>(
                topic.name() + ".warmup", topic.keySerde(), topic::valueSerde, topic.spec());
        TopicAdmin.ensure(admin, List.of(warmupTopic), (short) 1);
        produce(kafka.bootstrapServers(), registry.url(), warmupTopic, warmup);
        Run cold = archive(kafka, registry, admin, work, warmupTopic, warmup, maxBuffered);
        System.out.printf(
            Locale.ROOT,
            "archiver warm-up run (%d other events, JIT compiling): %,.0f events/s%n",
            warmup,
            cold.rate());

        Run run = archive(kafka, registry, admin, work, topic, n, maxBuffered);
        System.out.printf(
            Locale.ROOT,
            "archiver Kafka -> Parquet (committed): %,.0f events/s (%d events in %.2f s)%n",
            run.rate(),
            n,
            n / run.rate());
        System.out.println("  (" + run.cpu() + ")");
        System.out.printf(
            Locale.ROOT, "ratio archiver / bare writer (defaults): %.2f%n", run.rate() / baseline);
        System.out.printf(
            Locale.ROOT,
            "ratio archiver / bare writer (same settings): %.2f%n",
            run.rate() / tuned);
        System.out.printf(
            Locale.ROOT,
            "peak Parquet buffers: %.0f MB (max.buffered.bytes %d MB, heap limit %d MB)%n",
            run.peakBuffered() / (1 << 20),
            run.maxBufferedBytes() >> 20,
            Runtime.getRuntime().maxMemory() >> 20);
      }
    } finally {
      try (Stream<Path> files = Files.walk(work)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** One archiver run: its rate, where its CPU went, and the peak of its buffer gauge. */
  private record Run(double rate, String cpu, double peakBuffered, long maxBufferedBytes) {}

  /**
   * Archives the {@code n} events of {@code topic} with production rotation settings, from start
   * until every offset is committed; closing publishes every open file and commits, and is part of
   * the measured time.
   */
  private static Run archive(
      EmbeddedKafka kafka,
      SchemaRegistryServer registry,
      Admin admin,
      Path work,
      Topic<String, RecordedEvent> topic,
      int n,
      String maxBuffered)
      throws Exception {
    ArchiverConfig config = ArchiverConfig.of(settings(kafka, registry, work, topic, maxBuffered));
    String group = config.groupId();
    CpuUsage usage = new CpuUsage();
    long start = System.nanoTime();
    double peakBuffered = 0;
    try (ArchiverService archiver = ArchiverService.start(config)) {
      while (archiver.metrics().counter("retrace.archiver.records").count() < n) {
        if (!archiver.running()) {
          throw new IllegalStateException("The archiver stopped: " + archiver.problem());
        }
        peakBuffered =
            Math.max(
                peakBuffered,
                archiver.metrics().get("retrace.archiver.buffered.bytes").gauge().value());
        usage.sample();
        Thread.sleep(20);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long committed = committed(admin, group, topic.name());
    if (committed != n) {
      throw new IllegalStateException("Committed " + committed + " of " + n + " events");
    }
    return new Run(n / seconds, usage.report(n), peakBuffered, config.maxBufferedBytes());
  }

  /** The archiver's settings for a run over {@code topic}: production defaults otherwise. */
  private static Map<String, String> settings(
      EmbeddedKafka kafka,
      SchemaRegistryServer registry,
      Path work,
      Topic<String, RecordedEvent> topic,
      String maxBuffered) {
    Map<String, String> settings = new HashMap<>();
    settings.put("bootstrap.servers", kafka.bootstrapServers());
    settings.put("schema.registry.url", registry.url());
    settings.put("archive.uri", work.resolve("archive-" + topic.name()).toUri().toString());
    settings.put("group.id", "bench-" + topic.name());
    settings.put("topic.events", topic.name());
    settings.put("max.buffered.bytes", maxBuffered);
    return settings;
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
    AtomicReference<Exception> failure = new AtomicReference<>();
    try (KafkaProducer<String, RecordedEvent> producer =
        new KafkaProducer<>(
            config,
            topic.keySerde().serializer(),
            topic.valueSerde(Map.of("schema.registry.url", registry)).serializer())) {
      for (int i = 0; i < n; i++) {
        RecordedEvent e = event(i);
        producer.send(
            new ProducerRecord<>(topic.name(), e.getRecordingId() + "|" + e.getSessionId(), e),
            (metadata, error) -> {
              if (error != null) {
                failure.compareAndSet(null, error);
              }
            });
      }
    }
    // The archiver runs until it has archived n events: every one must be there.
    if (failure.get() != null) {
      throw new IllegalStateException("Producing to " + topic.name() + " failed", failure.get());
    }
  }

  /**
   * The baseline: the same rows through a bare AvroParquetWriter, after a warm-up file. Only the
   * writes are timed: the rows are built in chunks between them.
   */
  private static double bareWriter(
      int n,
      Path file,
      String label,
      Function<OutputFile, AvroParquetWriter.Builder<GenericRecord>> settings)
      throws Exception {
    write(Math.min(n, 50_000), file, settings, new long[1]);
    long[] cpu = new long[1];
    long nanos = write(n, file, settings, cpu);
    double rate = n / (nanos / 1e9);
    System.out.printf(
        Locale.ROOT,
        "bare AvroParquetWriter, %s: %,.0f rows/s (%.1f us of CPU per row on the writing thread)%n",
        label,
        rate,
        cpu[0] / 1e3 / n);
    return rate;
  }

  /**
   * Writes {@code n} rows; returns the nanoseconds spent in the writer and adds its thread's CPU
   * time to {@code cpu[0]}.
   */
  private static long write(
      int n,
      Path file,
      Function<OutputFile, AvroParquetWriter.Builder<GenericRecord>> settings,
      long[] cpu)
      throws Exception {
    Files.deleteIfExists(file);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    GenericRecord[] rows = new GenericRecord[Math.min(n, CHUNK)];
    long nanos = 0;
    ParquetWriter<GenericRecord> writer = settings.apply(new LocalOutputFile(file)).build();
    for (int from = 0; from < n; from += rows.length) {
      int count = Math.min(rows.length, n - from);
      for (int i = 0; i < count; i++) {
        rows[i] = ArchiveTables.EVENTS.toRow(event(from + i));
      }
      long start = System.nanoTime();
      long startCpu = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < count; i++) {
        writer.write(rows[i]);
      }
      cpu[0] += threads.getCurrentThreadCpuTime() - startCpu;
      nanos += System.nanoTime() - start;
    }
    long start = System.nanoTime();
    long startCpu = threads.getCurrentThreadCpuTime();
    writer.close();
    cpu[0] += threads.getCurrentThreadCpuTime() - startCpu;
    return nanos + System.nanoTime() - start;
  }

  private static long committed(Admin admin, String group, String topic) throws Exception {
    Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> offsets =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    return offsets.entrySet().stream()
        .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
        .mapToLong(e -> e.getValue().offset())
        .sum();
  }
}
