package io.retrace.archiver.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.retrace.archiver.ArchiverConfig;
import io.retrace.archiver.format.ArchiveTable;
import io.retrace.archiver.format.ArchiveTables;
import io.retrace.archiver.writer.ArchiveWriteException;
import io.retrace.archiver.writer.ArchiveWriter;
import io.retrace.archiver.writer.ParquetRecordWriterProvider;
import io.retrace.archiver.writer.RotationPolicy;
import io.retrace.schemas.serde.AvroSerde;
import io.retrace.schemas.serde.WireFormatException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.ByteBufferDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer loop: polls the archived topics (read_committed, manual commits), hands each record
 * to the {@link ArchiveWriter}, and handles failures. A retriable storage failure drops every open
 * file, rewinds every assigned partition to its committed offset and waits with backoff; the same
 * records then go into files of the same names. A fatal one stops the loop with nothing committed
 * for the files it concerned.
 */
public final class ArchiverLoop implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(ArchiverLoop.class);
  private static final Duration MAX_POLL_WAIT = Duration.ofMillis(500);

  private final ArchiverConfig config;
  private final KafkaConsumer<byte[], ByteBuffer> consumer;
  private final ArchiveWriter writer;
  private final Map<String, Deserializer<?>> deserializers = new HashMap<>();
  private final List<AvroSerde<?>> serdes = new ArrayList<>();
  private final Map<String, ArchiveTable<?>> tables = new HashMap<>();
  private final KafkaProducer<byte[], byte[]> dlq;
  private final Backoff backoff;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Counter retries;
  private final Counter deadLettered;
  private final Duration pollWait;
  private volatile Throwable failure;
  private volatile boolean assigned;

  /** A failure of a partition still assigned, met while publishing revoked ones. */
  private ArchiveWriteException keptPartitionFailure;

  public ArchiverLoop(
      ArchiverConfig config, ParquetRecordWriterProvider provider, MeterRegistry metrics) {
    this.config = config;
    Map<String, Object> serde = Map.of("schema.registry.url", config.schemaRegistryUrl());
    for (Map.Entry<String, String> e : config.tableTopics().entrySet()) {
      ArchiveTable<?> table = ArchiveTables.byName(e.getValue());
      tables.put(e.getKey(), table);
      AvroSerde<?> valueSerde = AvroSerde.specific(table.type(), serde, false);
      serdes.add(valueSerde);
      deserializers.put(e.getKey(), valueSerde.deserializer());
    }
    this.consumer =
        new KafkaConsumer<>(
            consumerConfig(config),
            new ByteArrayDeserializer(),
            // The value as Kafka read it, without a copy into an array of its own.
            new ByteBufferDeserializer());
    this.dlq =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                config.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true),
            new ByteArraySerializer(),
            new ByteArraySerializer());
    this.writer =
        new ArchiveWriter(
            provider,
            new RotationPolicy(
                config.rotationRecords(),
                config.rotationBytes(),
                config.rotationRecordTime(),
                config.rotationInterval()),
            config.maxOpenWriters(),
            config.maxBufferedBytes(),
            config.writerThreads(),
            (tp, next) -> consumer.commitSync(Map.of(tp, new OffsetAndMetadata(next))),
            metrics,
            System::nanoTime);
    this.backoff = new Backoff(config.retryBackoffInitial(), config.retryBackoffMax());
    this.retries = metrics.counter("retrace.archiver.retries");
    this.deadLettered = metrics.counter("retrace.archiver.dead.lettered");
    this.pollWait =
        config.rotationInterval().compareTo(MAX_POLL_WAIT) < 0
            ? config.rotationInterval()
            : MAX_POLL_WAIT;
  }

  static Map<String, Object> consumerConfig(ArchiverConfig config) {
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    c.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxPollRecords());
    if (!config.groupInstanceId().isEmpty()) {
      c.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, config.groupInstanceId());
    }
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, config.groupId() + "-" + ProcessHandle.current().pid());
    return c;
  }

  /** Null while running or after a clean stop; the fatal failure that stopped the loop. */
  public Throwable failure() {
    return failure;
  }

  /** Whether the consumer has joined its group and holds an assignment. */
  public boolean assigned() {
    return assigned;
  }

  @Override
  public void run() {
    try {
      consumer.subscribe(config.tableTopics().keySet(), new Rebalance());
      while (running.get()) {
        ConsumerRecords<byte[], ByteBuffer> records = consumer.poll(pollWait);
        try {
          if (keptPartitionFailure != null) {
            ArchiveWriteException e = keptPartitionFailure;
            keptPartitionFailure = null;
            throw e;
          }
          for (ConsumerRecord<byte[], ByteBuffer> r : records) {
            archive(r);
          }
          writer.rotateDue();
          backoff.reset();
        } catch (ArchiveWriteException e) {
          if (e.fatal()) {
            throw e;
          }
          retry(e);
        }
      }
      shutdown();
    } catch (ArchiveWriteException e) {
      failure = e;
      log.error(
          "Archiver stopped: {}. No offset was committed for the files concerned.", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      failure = e;
      log.error("Archiver stopped by an unexpected failure", e);
    } finally {
      try {
        writer.dropAll();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      writer.close();
      consumer.close();
      dlq.close();
      serdes.forEach(AvroSerde::close);
    }
  }

  private void archive(ConsumerRecord<byte[], ByteBuffer> r)
      throws ArchiveWriteException, InterruptedException {
    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
    Object value;
    try {
      value =
          r.value() == null
              ? null
              : deserializers.get(r.topic()).deserialize(r.topic(), r.headers(), r.value());
    } catch (WireFormatException e) {
      if (e.reason().retriable()) {
        throw new ArchiveWriteException(tp, "Schema registry unavailable", e);
      }
      deadLetter(r, e);
      value = null;
    }
    int size = r.serializedValueSize() < 0 ? 0 : r.serializedValueSize();
    writer.write(tp, tables.get(r.topic()), r.offset(), value, size);
  }

  /** Synchronous, so a dead-lettered record is in the DLQ before its offset can be committed. */
  private void deadLetter(ConsumerRecord<byte[], ByteBuffer> r, WireFormatException e)
      throws InterruptedException {
    ProducerRecord<byte[], byte[]> out =
        new ProducerRecord<>(config.dlqTopic(), null, r.key(), Utils.toNullableArray(r.value()));
    out.headers()
        .add("retrace.dlq.reason", bytes(e.reason().name()))
        .add("retrace.dlq.detail", bytes(String.valueOf(e.getMessage())))
        .add("retrace.dlq.stage", bytes("archiver"))
        .add("retrace.dlq.topic", bytes(r.topic()))
        .add("retrace.dlq.partition", bytes(String.valueOf(r.partition())))
        .add("retrace.dlq.offset", bytes(String.valueOf(r.offset())));
    try {
      dlq.send(out).get();
    } catch (ExecutionException x) {
      throw new IllegalStateException("Cannot dead-letter to " + config.dlqTopic(), x.getCause());
    }
    deadLettered.increment();
    log.warn("Dead-lettered {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
  }

  private void retry(ArchiveWriteException e) throws InterruptedException {
    retries.increment();
    long wait = backoff.nextMillis();
    log.warn("{}; retrying from the committed offsets in {} ms", e.getMessage(), wait);
    writer.dropAll();
    rewind(consumer.assignment());
    Thread.sleep(wait);
  }

  private void rewind(Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(partitions));
    List<TopicPartition> fromStart =
        partitions.stream().filter(tp -> committed.get(tp) == null).toList();
    committed.forEach(
        (tp, om) -> {
          if (om != null) {
            consumer.seek(tp, om);
          }
        });
    consumer.seekToBeginning(fromStart);
  }

  /** Stops the loop within one poll wait; it publishes and commits what it holds on the way out. */
  public void stop() {
    running.set(false);
  }

  private void shutdown() throws InterruptedException {
    try {
      writer.rotateAll();
    } catch (ArchiveWriteException e) {
      // Not committed, so processed again by the next run into files of the same names.
      log.warn("Could not publish every open file on shutdown: {}", e.getMessage());
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * On revocation, open files are published and committed while the partition is still ours; if
   * that fails they are dropped, uncommitted, and the next owner writes them again. Lost partitions
   * are dropped without any commit: they may already belong to someone else.
   */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      try {
        for (TopicPartition tp : partitions) {
          try {
            writer.rotate(tp);
          } catch (ArchiveWriteException e) {
            log.warn("Could not publish {} on revocation, dropped: {}", tp, e.getMessage());
            writer.drop(tp);
            if (!partitions.contains(e.partition())) {
              // A partition we keep failed meanwhile: the loop must rewind it.
              keptPartitionFailure = e;
            }
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      try {
        for (TopicPartition tp : partitions) {
          writer.drop(tp);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      assigned = true;
      log.info("Archiving {}", partitions);
    }
  }
}
