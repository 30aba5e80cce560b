package io.retrace.archiver.writer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.retrace.archiver.format.ArchiveTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes consumed records into archive files, one {@link TopicPartitionWriter} per Kafka topic
 * partition, and decides when partitions rotate: a full file, a record outside a file's time span,
 * a file open longer than the interval, or too many open files or buffered bytes (then the
 * partition holding the largest file rotates first). A rotation publishes the partition's files and
 * only then commits its offset through the {@link Committer}.
 *
 * <p>Memory is bounded by {@code maxOpenWriters} files and {@code maxBufferedBytes} of Parquet
 * buffers held in them, sampled every {@link TopicPartitionWriter#MEMORY_SAMPLE_RECORDS} records
 * per file, so the bound can be passed by that many records per open file.
 */
public final class ArchiveWriter {
  private static final Logger log = LoggerFactory.getLogger(ArchiveWriter.class);

  /** Commits the offset after the published files of a partition; throws if it cannot. */
  @FunctionalInterface
  public interface Committer {
    void commit(TopicPartition partition, long nextOffset);
  }

  private final ParquetRecordWriterProvider provider;
  private final RotationPolicy policy;
  private final int maxOpenWriters;
  private final long maxBufferedBytes;
  private final Committer committer;
  private final LongSupplier nanoClock;
  private final Map<TopicPartition, TopicPartitionWriter<?>> partitions = new HashMap<>();
  private final Counter records;
  private final Counter files;
  private final Counter rotations;
  private final Timer publishTime;
  private int openFiles;
  private long bufferedBytes;

  public ArchiveWriter(
      ParquetRecordWriterProvider provider,
      RotationPolicy policy,
      int maxOpenWriters,
      long maxBufferedBytes,
      Committer committer,
      MeterRegistry metrics,
      LongSupplier nanoClock) {
    this.provider = provider;
    this.policy = policy;
    this.maxOpenWriters = maxOpenWriters;
    this.maxBufferedBytes = maxBufferedBytes;
    this.committer = committer;
    this.nanoClock = nanoClock;
    this.records = metrics.counter("retrace.archiver.records");
    this.files = metrics.counter("retrace.archiver.files.published");
    this.rotations = metrics.counter("retrace.archiver.rotations");
    this.publishTime = metrics.timer("retrace.archiver.publish");
    Gauge.builder("retrace.archiver.open.files", this, w -> w.openFiles).register(metrics);
    Gauge.builder("retrace.archiver.buffered.bytes", this, w -> w.bufferedBytes).register(metrics);
  }

  public int openFiles() {
    return openFiles;
  }

  public long bufferedBytes() {
    return bufferedBytes;
  }

  /**
   * Writes one consumed record of {@code partition}, rotating before or after it as the policy and
   * the memory bounds require.
   *
   * @param value the deserialized value, null for a tombstone
   * @param bytes the record's serialized size, what size-based rotation counts
   */
  public void write(
      TopicPartition partition, ArchiveTable<?> table, long offset, Object value, int bytes)
      throws ArchiveWriteException {
    TopicPartitionWriter<?> w = partitions.get(partition);
    if (w != null && value != null && w.mustRotateBefore(value)) {
      rotate(partition);
      w = null;
    }
    if (w == null) {
      w = new TopicPartitionWriter<>(partition, table, provider, policy);
      partitions.put(partition, w);
    }
    if (value != null && w.needsNewFile(value) && openFiles >= maxOpenWriters) {
      rotateLargest();
      w =
          partitions.computeIfAbsent(
              partition, p -> new TopicPartitionWriter<>(p, table, provider, policy));
    }
    int filesBefore = w.openFiles();
    long bytesBefore = w.bufferedBytes();
    boolean full;
    try {
      full = w.write(offset, value, bytes, nanoClock.getAsLong());
    } catch (IOException | RuntimeException e) {
      drop(partition);
      throw new ArchiveWriteException(partition, "Writing to the archive failed", e);
    }
    openFiles += w.openFiles() - filesBefore;
    bufferedBytes += w.bufferedBytes() - bytesBefore;
    if (value != null) {
      records.increment();
    }
    if (full) {
      rotate(partition);
    }
    while (bufferedBytes > maxBufferedBytes && openFiles > 0) {
      rotateLargest();
    }
  }

  /** Rotates every partition with a file open longer than the rotation interval. */
  public void rotateDue() throws ArchiveWriteException {
    long now = nanoClock.getAsLong();
    List<TopicPartition> due = new ArrayList<>();
    for (TopicPartitionWriter<?> w : partitions.values()) {
      if (w.due(now)) {
        due.add(w.partition());
      }
    }
    for (TopicPartition tp : due) {
      rotate(tp);
    }
  }

  /**
   * Publishes the files of {@code partition} and commits its offset. Nothing to do when it has no
   * open file.
   */
  public void rotate(TopicPartition partition) throws ArchiveWriteException {
    TopicPartitionWriter<?> w = partitions.get(partition);
    if (w == null) {
      return;
    }
    if (w.state() == TopicPartitionWriter.State.IDLE) {
      partitions.remove(partition);
      return;
    }
    long started = System.nanoTime();
    List<String> published;
    try {
      published = w.publish();
    } catch (IOException | RuntimeException e) {
      drop(partition);
      throw new ArchiveWriteException(partition, "Publishing archive files failed", e);
    }
    try {
      committer.commit(partition, w.nextOffset());
    } catch (RuntimeException e) {
      // The published files are replaced when the records are processed again.
      forget(w);
      partitions.remove(partition);
      throw new ArchiveWriteException(partition, "Committing the offset failed", e);
    }
    publishTime.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
    files.increment(published.size());
    rotations.increment();
    forget(w);
    w.committed();
    partitions.remove(partition);
    log.debug("Published {} and committed {} at {}", published, partition, w.nextOffset());
  }

  /** Publishes and commits every partition; used on shutdown and on revocation. */
  public void rotateAll() throws ArchiveWriteException {
    for (TopicPartition tp : List.copyOf(partitions.keySet())) {
      rotate(tp);
    }
  }

  /** Drops the open files of {@code partition} without publishing or committing anything. */
  public void drop(TopicPartition partition) {
    TopicPartitionWriter<?> w = partitions.remove(partition);
    if (w != null) {
      forget(w);
      w.abort();
    }
  }

  /** Drops every open file; the records are processed again from the committed offsets. */
  public void dropAll() {
    for (TopicPartition tp : List.copyOf(partitions.keySet())) {
      drop(tp);
    }
  }

  private void rotateLargest() throws ArchiveWriteException {
    TopicPartitionWriter<?> owner = null;
    long largest = -1;
    for (TopicPartitionWriter<?> w : partitions.values()) {
      TopicPartitionWriter.OpenFile f = w.largest();
      if (f != null && f.memory > largest) {
        largest = f.memory;
        owner = w;
      }
    }
    if (owner != null) {
      rotate(owner.partition());
    }
  }

  private void forget(TopicPartitionWriter<?> w) {
    openFiles -= w.openFiles();
    bufferedBytes -= w.bufferedBytes();
  }
}
