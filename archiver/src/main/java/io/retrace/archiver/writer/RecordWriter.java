package io.retrace.archiver.writer;

import java.io.IOException;
import org.apache.avro.generic.GenericRecord;

/** One archive file being written: rows go in, then it is committed (visible) or aborted. */
public interface RecordWriter {
  void write(GenericRecord row) throws IOException;

  /** Bytes held in memory for rows not yet flushed to storage (a current estimate). */
  long bufferedBytes();

  /** Finishes the file and makes it durable and visible under its final name. */
  void commit() throws IOException;

  /** Drops the file; nothing becomes visible. Never throws. */
  void abort();
}
