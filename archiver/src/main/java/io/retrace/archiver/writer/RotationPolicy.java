package io.retrace.archiver.writer;

import java.time.Duration;
import java.time.Instant;

/**
 * When an open file must be closed. Record count, input bytes and record (event) time depend only
 * on the records, so reprocessing the same offsets cuts files at the same places; the wall-clock
 * interval only bounds how long data waits to become visible.
 */
public record RotationPolicy(
    long maxRecords, long maxBytes, Duration maxRecordTimeSpan, Duration interval) {

  /** Before writing a record at {@code recordTime}: does it fall outside the file's time span? */
  public boolean rotateBefore(OpenFileStats file, Instant recordTime) {
    Duration span = Duration.between(file.firstRecordTime(), recordTime).abs();
    return span.compareTo(maxRecordTimeSpan) >= 0;
  }

  /** After writing: is the file full? */
  public boolean rotateAfter(OpenFileStats file) {
    return file.records() >= maxRecords || file.bytes() >= maxBytes;
  }

  /** Has the file been open longer than the interval? */
  public boolean due(OpenFileStats file, long nowNanos) {
    return nowNanos - file.openedNanos() >= interval.toNanos();
  }

  /** What rotation looks at in an open file. */
  public interface OpenFileStats {
    long records();

    long bytes();

    Instant firstRecordTime();

    long openedNanos();
  }
}
