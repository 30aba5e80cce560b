package io.retrace.archiver.writer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.retrace.archiver.format.ArchiveTable;
import io.retrace.archiver.format.OutputPartition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes consumed records into archive files, one {@link TopicPartitionWriter} per Kafka topic
 * partition and generation, and decides when partitions rotate: a full file, a record outside a
 * file's time span, a file open longer than the interval, or too many open files or buffered bytes
 * (then the partition holding the largest file rotates first). A rotation publishes the partition's
 * files and only then commits its offset through the {@link Committer}.
 *
 * <p>Every method runs on the consumer thread. Parquet encoding and publication run on {@code
 * threads} encoding threads ({@link EncodingLanes}), or on the consumer thread with none. A
 * rotation started while writing does not wait: the partition goes on in a new generation while the
 * encoding thread publishes the old one, and the offset is committed on the consumer thread once
 * that publication reported back, generation after generation in order. {@link #rotate} and {@link
 * #rotateAll} wait for their publications and commits.
 *
 * <p>Memory is bounded by {@code maxOpenWriters} files and {@code maxBufferedBytes}: Parquet's
 * buffers in open files, sampled every {@link TopicPartitionWriter#MEMORY_SAMPLE_RECORDS} records
 * per file, plus the serialized size of records handed to the encoding threads and not yet encoded.
 * Files being published count until their publication reported back.
 */
public final class ArchiveWriter implements AutoCloseable {
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
  private final EncodingLanes lanes;

  /** Parquet's buffers in open files, kept up to date by the encoding threads. */
  private final AtomicLong parquetBytes = new AtomicLong();

  /** The generation being written per partition. */
  private final Map<TopicPartition, TopicPartitionWriter<?>> partitions = new HashMap<>();

  /**
   * The generation being published per partition, until its offset is committed. There is at most
   * one: the next is published only after that commit (see {@link #startRotation}).
   */
  private final Map<TopicPartition, TopicPartitionWriter<?>> publishing = new HashMap<>();

  /** Publications that reported back and are not committed yet. */
  private final BlockingQueue<TopicPartitionWriter<?>> published = new LinkedBlockingQueue<>();

  private final Counter records;
  private final Counter files;
  private final Counter rotations;
  private final Timer publishTime;
  private int openFiles;

  /**
   * @param threads encoding threads; 0 encodes on the calling thread
   */
  public ArchiveWriter(
      ParquetRecordWriterProvider provider,
      RotationPolicy policy,
      int maxOpenWriters,
      long maxBufferedBytes,
      int threads,
      Committer committer,
      MeterRegistry metrics,
      LongSupplier nanoClock) {
    this.provider = provider;
    this.policy = policy;
    this.maxOpenWriters = maxOpenWriters;
    this.maxBufferedBytes = maxBufferedBytes;
    this.committer = committer;
    this.nanoClock = nanoClock;
    // A small share of the memory bound, so that the records in flight and the Parquet buffers
    // they turn into stay close to the bound together.
    long share = threads == 0 ? 0 : maxBufferedBytes / (16L * threads);
    this.lanes = new EncodingLanes(threads, (int) Math.min(EncodingLanes.MAX_HANDOFF_BYTES, share));
    this.records = metrics.counter("retrace.archiver.records");
    this.files = metrics.counter("retrace.archiver.files.published");
    this.rotations = metrics.counter("retrace.archiver.rotations");
    this.publishTime = metrics.timer("retrace.archiver.publish");
    Gauge.builder("retrace.archiver.open.files", this, w -> w.openFiles).register(metrics);
    Gauge.builder("retrace.archiver.buffered.bytes", this, ArchiveWriter::bufferedBytes)
        .register(metrics);
  }

  /** Files open for writing or being published. */
  public int openFiles() {
    return openFiles;
  }

  /** Parquet buffers of open files plus records handed over and not yet encoded. */
  public long bufferedBytes() {
    return parquetBytes.get() + lanes.handedOverBytes();
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
      throws ArchiveWriteException, InterruptedException {
    commitPublished();
    writeTyped(partition, table, offset, value, bytes);
    commitPublished();
  }

  private <V extends SpecificRecord> void writeTyped(
      TopicPartition partition, ArchiveTable<V> table, long offset, Object raw, int bytes)
      throws ArchiveWriteException, InterruptedException {
    V value = raw == null ? null : table.type().cast(raw);
    OutputPartition out = value == null ? null : table.partitionOf(value);
    Instant time = value == null ? null : table.recordTime(value);
    TopicPartitionWriter<?> w = partitions.get(partition);
    if (w != null) {
      throwIfFailed(w);
    }
    if (w != null && value != null && w.mustRotateBefore(out, time)) {
      startRotation(partition);
      w = null;
    }
    if (value != null && (w == null || w.needsNewFile(out)) && openFiles >= maxOpenWriters) {
      makeRoomForFile();
      w = partitions.get(partition);
    }
    @SuppressWarnings("unchecked")
    TopicPartitionWriter<V> typed = (TopicPartitionWriter<V>) w;
    if (typed == null) {
      typed =
          new TopicPartitionWriter<>(
              partition, table, provider, policy, lanes.laneFor(partition), parquetBytes);
      partitions.put(partition, typed);
    }
    int filesBefore = typed.openFiles();
    boolean full = typed.write(offset, value, out, time, bytes, nanoClock.getAsLong());
    openFiles += typed.openFiles() - filesBefore;
    throwIfFailed(typed);
    if (value != null) {
      records.increment();
    }
    if (full) {
      startRotation(partition);
    }
    relieveMemory();
  }

  /** Rotates every partition with a file open longer than the rotation interval. */
  public void rotateDue() throws ArchiveWriteException, InterruptedException {
    commitPublished();
    long now = nanoClock.getAsLong();
    List<TopicPartition> due = new ArrayList<>();
    for (TopicPartitionWriter<?> w : partitions.values()) {
      if (w.due(now)) {
        due.add(w.partition());
      }
    }
    for (TopicPartition tp : due) {
      startRotation(tp);
    }
    commitPublished();
  }

  /**
   * Publishes the files of {@code partition} and commits its offset, and waits until it has.
   * Nothing to do when it has no open file.
   */
  public void rotate(TopicPartition partition) throws ArchiveWriteException, InterruptedException {
    startRotation(partition);
    while (publishing.containsKey(partition)) {
      awaitPublished();
    }
  }

  /** Publishes and commits every partition, and waits; used on shutdown and in tests. */
  public void rotateAll() throws ArchiveWriteException, InterruptedException {
    for (TopicPartition tp : List.copyOf(partitions.keySet())) {
      startRotation(tp);
    }
    while (!publishing.isEmpty()) {
      awaitPublished();
    }
  }

  /**
   * Drops the open files of {@code partition}, and any being published, without committing
   * anything; when it returns, none of them can still become visible.
   */
  public void drop(TopicPartition partition) throws InterruptedException {
    TopicPartitionWriter<?> w = partitions.remove(partition);
    if (w != null) {
      forget(w);
    }
    TopicPartitionWriter<?> inFlight = publishing.remove(partition);
    if (inFlight != null) {
      forget(inFlight);
    }
  }

  /** Drops every open file; the records are processed again from the committed offsets. */
  public void dropAll() throws InterruptedException {
    Set<TopicPartition> all = new HashSet<>(partitions.keySet());
    all.addAll(publishing.keySet());
    for (TopicPartition tp : all) {
      drop(tp);
    }
    published.clear();
  }

  /** Stops the encoding threads; call {@link #rotateAll} or {@link #dropAll} first. */
  @Override
  public void close() {
    lanes.close();
  }

  /**
   * Starts publishing {@code partition}'s files; the commit follows in {@link #commitPublished}.
   * The previous generation's offset is committed first: a partition never has two published
   * generations without a commit, which the exactly-once argument needs (docs/archive.md).
   */
  private void startRotation(TopicPartition partition)
      throws ArchiveWriteException, InterruptedException {
    TopicPartitionWriter<?> w = partitions.get(partition);
    if (w == null) {
      return;
    }
    if (w.state() == TopicPartitionWriter.State.IDLE) {
      partitions.remove(partition);
      return;
    }
    throwIfFailed(w);
    while (publishing.containsKey(partition)) {
      awaitPublished();
    }
    if (partitions.remove(partition) != w) {
      // Dropped while waiting, by a failure of its previous generation.
      return;
    }
    publishing.put(partition, w);
    w.publish(published::add);
  }

  /** Commits what was published, without waiting. */
  private void commitPublished() throws ArchiveWriteException, InterruptedException {
    for (TopicPartitionWriter<?> w = published.poll(); w != null; w = published.poll()) {
      commit(w);
    }
  }

  /** Waits for one publication to report back, then commits everything published. */
  private void awaitPublished() throws ArchiveWriteException, InterruptedException {
    commit(published.take());
    commitPublished();
  }

  private void commit(TopicPartitionWriter<?> w)
      throws ArchiveWriteException, InterruptedException {
    TopicPartition partition = w.partition();
    if (publishing.get(partition) != w) {
      // Dropped while it was being published.
      return;
    }
    if (w.failure() != null) {
      drop(partition);
      throw failure(partition, "Publishing archive files failed", w.failure());
    }
    long started = System.nanoTime();
    try {
      committer.commit(partition, w.nextOffset());
    } catch (RuntimeException e) {
      // The published files are replaced when the records are processed again.
      drop(partition);
      throw new ArchiveWriteException(partition, "Committing the offset failed", e);
    }
    publishing.remove(partition);
    openFiles -= w.openFiles();
    publishTime.record(w.publishNanos() + System.nanoTime() - started, TimeUnit.NANOSECONDS);
    files.increment(w.published().size());
    rotations.increment();
    w.committed();
    log.debug("Published {} and committed {} at {}", w.published(), partition, w.nextOffset());
  }

  private void throwIfFailed(TopicPartitionWriter<?> w)
      throws ArchiveWriteException, InterruptedException {
    if (w.failure() != null) {
      drop(w.partition());
      throw failure(w.partition(), "Writing to the archive failed", w.failure());
    }
  }

  /** Errors (out of memory) stop the archiver as they would on the consumer thread. */
  private static ArchiveWriteException failure(
      TopicPartition partition, String message, Throwable cause) {
    if (cause instanceof Error e) {
      throw e;
    }
    return new ArchiveWriteException(partition, message, cause);
  }

  /** Rotates the largest partitions until a new file fits under {@code maxOpenWriters}. */
  private void makeRoomForFile() throws ArchiveWriteException, InterruptedException {
    while (openFiles >= maxOpenWriters) {
      if (openFiles - publishingFiles() >= maxOpenWriters && rotateLargest()) {
        continue;
      }
      if (publishing.isEmpty()) {
        return;
      }
      awaitPublished();
    }
  }

  /**
   * Rotates the largest partitions until the buffers fit under {@code maxBufferedBytes}, leaving
   * room for what the encoding threads may be handed.
   */
  private void relieveMemory() throws ArchiveWriteException, InterruptedException {
    long budget = maxBufferedBytes - lanes.handoffCapacity();
    while (parquetBytes.get() > budget && openFiles > 0) {
      if (parquetBytes.get() - publishingMemory() > budget && rotateLargest()) {
        continue;
      }
      if (publishing.isEmpty()) {
        return;
      }
      awaitPublished();
    }
  }

  /** Starts rotating the partition holding the largest file; false when none is open. */
  private boolean rotateLargest() throws ArchiveWriteException, InterruptedException {
    TopicPartitionWriter<?> owner = null;
    long largest = -1;
    for (TopicPartitionWriter<?> w : partitions.values()) {
      long file = w.largestFile();
      if (file > largest) {
        largest = file;
        owner = w;
      }
    }
    if (owner == null) {
      return false;
    }
    startRotation(owner.partition());
    return true;
  }

  private int publishingFiles() {
    int sum = 0;
    for (TopicPartitionWriter<?> w : publishing.values()) {
      sum += w.openFiles();
    }
    return sum;
  }

  private long publishingMemory() {
    long sum = 0;
    for (TopicPartitionWriter<?> w : publishing.values()) {
      sum += w.memory();
    }
    return sum;
  }

  private void forget(TopicPartitionWriter<?> w) throws InterruptedException {
    openFiles -= w.openFiles();
    w.abort();
  }
}
