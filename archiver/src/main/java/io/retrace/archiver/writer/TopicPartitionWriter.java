package io.retrace.archiver.writer;

import io.retrace.archiver.format.ArchiveTable;
import io.retrace.archiver.format.FileNames;
import io.retrace.archiver.format.OutputPartition;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * One generation of open files of a Kafka topic partition, one file per output partition, as an
 * explicit state machine: {@code IDLE → WRITING → COMMITTING → IDLE}, or {@code → ABORTED} when a
 * file fails or the files are dropped.
 *
 * <p>All files of a topic partition rotate together. That is what makes one committed offset
 * describe the archive exactly: every record before it is in a published file, none after it is. A
 * file is named by the offset of its first record, so after a crash the records from the committed
 * offset on are written again into files of the same names, replacing whatever the crashed run had
 * published (see docs/archive.md).
 *
 * <p>Two threads share it. The consumer thread decides: it counts what rotation looks at and hands
 * records, publication and dropping to the partition's {@link EncodingLanes.Lane}. The lane does
 * the Parquet work in that order ({@link #encode}, and the tasks behind {@link #publish} and {@link
 * #abort}), and reports memory, failure and the published paths back.
 */
final class TopicPartitionWriter<V extends SpecificRecord> {
  enum State {
    /** No open file; everything up to {@link #nextOffset} is committed or needs no commit. */
    IDLE,
    /** At least one open file holds records not yet committed. */
    WRITING,
    /** Files are being published; the offset is committed once all are. */
    COMMITTING,
    /** A file failed, or the files were dropped; nothing was committed. Terminal. */
    ABORTED
  }

  /** An open file and what rotation looks at. */
  static final class OpenFile implements RotationPolicy.OpenFileStats {
    final String path;
    final Instant firstRecordTime;
    final long openedNanos;
    // Counted by the consumer thread when a record is handed over.
    long records;
    long bytes;
    // Used by the lane only.
    private RecordWriter<?> writer;
    private long encoded;

    /** Parquet's buffers, as last sampled by the lane. */
    volatile long memory;

    OpenFile(String path, Instant firstRecordTime, long openedNanos) {
      this.path = path;
      this.firstRecordTime = firstRecordTime;
      this.openedNanos = openedNanos;
    }

    @Override
    public long records() {
      return records;
    }

    @Override
    public long bytes() {
      return bytes;
    }

    @Override
    public Instant firstRecordTime() {
      return firstRecordTime;
    }

    @Override
    public long openedNanos() {
      return openedNanos;
    }
  }

  /**
   * Memory is sampled every this many records per file (asking Parquet walks every column), so a
   * file may hold this many records more than accounted.
   */
  static final int MEMORY_SAMPLE_RECORDS = 32;

  private final TopicPartition partition;
  private final ArchiveTable<V> table;
  private final ParquetRecordWriterProvider provider;
  private final RotationPolicy policy;
  private final EncodingLanes.Lane lane;
  private final AtomicLong bufferedBytes;
  // Consumer thread.
  private final Map<OutputPartition, OpenFile> files = new LinkedHashMap<>();
  private State state = State.IDLE;
  private long nextOffset = -1;
  // Lane: the files in the order it opened them.
  private final List<OpenFile> opened = new ArrayList<>();
  private final List<String> published = new ArrayList<>();
  private long publishNanos;
  // Written by one thread, read by the other.
  private volatile Throwable failure;
  private volatile boolean dropped;

  /**
   * @param bufferedBytes the archiver-wide sum of Parquet buffers, kept up to date by the lane
   */
  TopicPartitionWriter(
      TopicPartition partition,
      ArchiveTable<V> table,
      ParquetRecordWriterProvider provider,
      RotationPolicy policy,
      EncodingLanes.Lane lane,
      AtomicLong bufferedBytes) {
    this.partition = partition;
    this.table = table;
    this.provider = provider;
    this.policy = policy;
    this.lane = lane;
    this.bufferedBytes = bufferedBytes;
  }

  State state() {
    return state;
  }

  TopicPartition partition() {
    return partition;
  }

  /** The offset to commit once the open files are published: after the last record processed. */
  long nextOffset() {
    return nextOffset;
  }

  int openFiles() {
    return files.size();
  }

  /** Memory held by the open files, as last sampled. */
  long memory() {
    long sum = 0;
    for (OpenFile f : files.values()) {
      sum += f.memory;
    }
    return sum;
  }

  /** The memory of the open file holding the most, or -1 without files. */
  long largestFile() {
    long largest = -1;
    for (OpenFile f : files.values()) {
      largest = Math.max(largest, f.memory);
    }
    return largest;
  }

  /** What made a file fail, or null. */
  Throwable failure() {
    return failure;
  }

  /** The paths published, once the publication reported back. */
  List<String> published() {
    return published;
  }

  /** How long the lane took to publish. */
  long publishNanos() {
    return publishNanos;
  }

  /** Whether a record for {@code out} would need a file that does not exist yet. */
  boolean needsNewFile(OutputPartition out) {
    return !files.containsKey(out);
  }

  /**
   * Whether the file for {@code out} must be closed before a record at {@code time} (time span).
   */
  boolean mustRotateBefore(OutputPartition out, Instant time) {
    OpenFile f = files.get(out);
    return f != null && policy.rotateBefore(f, time);
  }

  /**
   * Hands one record to the lane; returns whether its file is now full and the partition should
   * rotate.
   *
   * @param value the deserialized record, or null for a tombstone (skipped, offset advances)
   * @param out its output partition; null with a null value
   */
  boolean write(long offset, V value, OutputPartition out, Instant time, int bytes, long nowNanos)
      throws InterruptedException {
    require(state == State.IDLE || state == State.WRITING, "write");
    nextOffset = offset + 1;
    if (value == null) {
      return false;
    }
    OpenFile f = files.get(out);
    if (f == null) {
      String path =
          out.directory() + "/" + FileNames.of(partition.topic(), partition.partition(), offset);
      f = new OpenFile(path, time, nowNanos);
      files.put(out, f);
      state = State.WRITING;
    }
    f.records++;
    f.bytes += bytes;
    lane.encode(this, f, value, bytes);
    return policy.rotateAfter(f);
  }

  /** Whether any open file has been open longer than the rotation interval. */
  boolean due(long nowNanos) {
    for (OpenFile f : files.values()) {
      if (policy.due(f, nowNanos)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Has the lane publish every open file after the records handed over before, then hand this
   * writer to {@code done}: with {@link #failure} set when a file failed, in which case the files
   * not yet published were aborted. Afterwards the caller commits {@link #nextOffset} and calls
   * {@link #committed}.
   */
  void publish(Consumer<TopicPartitionWriter<?>> done) {
    require(state == State.WRITING, "publish");
    state = State.COMMITTING;
    lane.then(
        () -> {
          try {
            publishFiles();
          } catch (RuntimeException | Error e) {
            // Not expected (publishFiles sorts its failures); still, never report a success.
            failure = e;
          } finally {
            done.accept(this);
          }
        });
  }

  /** The offset after the published files is committed; this generation is over. */
  void committed() {
    require(state == State.COMMITTING, "committed");
    files.clear();
    state = State.IDLE;
  }

  /**
   * Drops every open file without publishing and waits until the lane has: nothing of this
   * generation becomes visible afterwards, and nothing is committed.
   */
  void abort() throws InterruptedException {
    dropped = true;
    files.clear();
    state = State.ABORTED;
    lane.thenWait(this::abortFiles);
  }

  /** On the lane: writes rows to one file, in order, and samples the file's memory. */
  void encode(OpenFile f, List<Object> values) {
    if (dropped || failure != null) {
      return;
    }
    try {
      if (f.writer == null) {
        f.writer = provider.open(table, f.path);
        opened.add(f);
      }
      // Opened above by this writer, for this table.
      @SuppressWarnings("unchecked")
      RecordWriter<V> writer = (RecordWriter<V>) f.writer;
      Class<V> type = table.type();
      for (Object value : values) {
        writer.write(type.cast(value));
        if (++f.encoded % MEMORY_SAMPLE_RECORDS == 1) {
          long memory = writer.bufferedBytes();
          bufferedBytes.addAndGet(memory - f.memory);
          f.memory = memory;
        }
      }
    } catch (IOException | RuntimeException | Error e) {
      failure = e;
      abortFiles();
    }
  }

  private void publishFiles() {
    long started = System.nanoTime();
    if (dropped || failure != null) {
      abortFiles();
      return;
    }
    while (!opened.isEmpty()) {
      OpenFile f = opened.get(0);
      try {
        f.writer.commit();
      } catch (IOException | RuntimeException | Error e) {
        failure = e;
        abortFiles();
        return;
      }
      published.add(f.path);
      release(f);
      opened.remove(0);
    }
    publishNanos = System.nanoTime() - started;
  }

  private void abortFiles() {
    for (OpenFile f : opened) {
      f.writer.abort();
      release(f);
    }
    opened.clear();
  }

  private void release(OpenFile f) {
    bufferedBytes.addAndGet(-f.memory);
    f.memory = 0;
  }

  private void require(boolean ok, String action) {
    if (!ok) {
      throw new IllegalStateException("Cannot " + action + " " + partition + " in state " + state);
    }
  }
}
