package io.retrace.archiver.writer;

import io.retrace.archiver.storage.StorageErrors;
import org.apache.kafka.common.TopicPartition;

/**
 * Writing or publishing a file of {@code partition} failed; its open files were aborted and no
 * offset was committed for them. {@link #fatal()} says whether retrying can help.
 */
public final class ArchiveWriteException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient TopicPartition partition;
  private final boolean fatal;

  public ArchiveWriteException(TopicPartition partition, String message, Throwable cause) {
    super(message + ": " + StorageErrors.describe(cause), cause);
    this.partition = partition;
    this.fatal = StorageErrors.isFatal(cause);
  }

  public TopicPartition partition() {
    return partition;
  }

  public boolean fatal() {
    return fatal;
  }
}
