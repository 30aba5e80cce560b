package io.retrace.archiver.writer;

import io.retrace.archiver.format.ArchiveTable;
import io.retrace.archiver.format.FileNames;
import io.retrace.archiver.format.OutputPartition;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The open files of one Kafka topic partition, one per output partition, as an explicit state
 * machine: {@code IDLE → WRITING → COMMITTING → IDLE}, or {@code → ABORTED} when a file fails.
 *
 * <p>All files of a topic partition rotate together. That is what makes one committed offset
 * describe the archive exactly: every record before it is in a published file, none after it is. A
 * file is named by the offset of its first record, so after a crash the records from the committed
 * offset on are written again into files of the same names, replacing whatever the crashed run had
 * published (see docs/archive.md).
 */
final class TopicPartitionWriter<V extends SpecificRecord> {
  enum State {
    /** No open file; everything up to {@link #nextOffset} is committed or needs no commit. */
    IDLE,
    /** At least one open file holds records not yet committed. */
    WRITING,
    /** Files are being published; the offset is committed once all are. */
    COMMITTING,
    /** A file failed; its files were dropped and nothing was committed. Terminal. */
    ABORTED
  }

  /** An open file and what rotation looks at. */
  static final class OpenFile implements RotationPolicy.OpenFileStats {
    final String path;
    final RecordWriter writer;
    final Instant firstRecordTime;
    final long openedNanos;
    long records;
    long bytes;
    long memory;

    OpenFile(String path, RecordWriter writer, Instant firstRecordTime, long openedNanos) {
      this.path = path;
      this.writer = writer;
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
  private final Map<OutputPartition, OpenFile> files = new LinkedHashMap<>();
  private State state = State.IDLE;
  private long nextOffset = -1;
  private long bufferedBytes;

  TopicPartitionWriter(
      TopicPartition partition,
      ArchiveTable<V> table,
      ParquetRecordWriterProvider provider,
      RotationPolicy policy) {
    this.partition = partition;
    this.table = table;
    this.provider = provider;
    this.policy = policy;
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
  long bufferedBytes() {
    return bufferedBytes;
  }

  /** The open file holding the most memory, or null. */
  OpenFile largest() {
    OpenFile best = null;
    for (OpenFile f : files.values()) {
      if (best == null || f.memory > best.memory) {
        best = f;
      }
    }
    return best;
  }

  Collection<OpenFile> open() {
    return files.values();
  }

  /** Whether {@code value} would need a file that does not exist yet. */
  boolean needsNewFile(Object value) {
    return !files.containsKey(table.partitionOf(table.type().cast(value)));
  }

  /** Whether the file {@code value} goes to must be closed before it is written (time span). */
  boolean mustRotateBefore(Object value) {
    V v = table.type().cast(value);
    OpenFile f = files.get(table.partitionOf(v));
    return f != null && policy.rotateBefore(f, table.recordTime(v));
  }

  /**
   * Writes one record; returns whether its file is now full and the partition should rotate.
   *
   * @param value the deserialized record, or null for a tombstone (skipped, offset advances)
   */
  boolean write(long offset, Object value, int bytes, long nowNanos) throws IOException {
    require(state == State.IDLE || state == State.WRITING, "write");
    if (value == null) {
      nextOffset = offset + 1;
      return false;
    }
    V v = table.type().cast(value);
    OutputPartition out = table.partitionOf(v);
    OpenFile f = files.get(out);
    if (f == null) {
      String path =
          out.directory() + "/" + FileNames.of(partition.topic(), partition.partition(), offset);
      f = new OpenFile(path, provider.open(table, path), table.recordTime(v), nowNanos);
      files.put(out, f);
      state = State.WRITING;
    }
    f.writer.write(table.toRow(v));
    f.records++;
    f.bytes += bytes;
    if (f.records % MEMORY_SAMPLE_RECORDS == 1) {
      long memory = f.writer.bufferedBytes();
      bufferedBytes += memory - f.memory;
      f.memory = memory;
    }
    nextOffset = offset + 1;
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
   * Publishes every open file; afterwards the caller commits {@link #nextOffset} and calls {@link
   * #committed}. On failure the remaining files are aborted and the state is {@code ABORTED}.
   *
   * @return the paths published
   */
  List<String> publish() throws IOException {
    require(state == State.WRITING, "publish");
    state = State.COMMITTING;
    List<String> published = new ArrayList<>(files.size());
    for (OpenFile f : files.values()) {
      try {
        f.writer.commit();
        published.add(f.path);
      } catch (IOException | RuntimeException e) {
        abort();
        throw e;
      }
    }
    return published;
  }

  /** The offset after the published files is committed; the partition starts over. */
  void committed() {
    require(state == State.COMMITTING, "committed");
    files.clear();
    bufferedBytes = 0;
    state = State.IDLE;
  }

  /** Drops every open file without publishing; nothing is committed. */
  void abort() {
    for (OpenFile f : files.values()) {
      f.writer.abort();
    }
    files.clear();
    bufferedBytes = 0;
    state = State.ABORTED;
  }

  private void require(boolean ok, String action) {
    if (!ok) {
      throw new IllegalStateException("Cannot " + action + " " + partition + " in state " + state);
    }
  }
}
