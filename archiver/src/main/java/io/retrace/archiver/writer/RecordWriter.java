package io.retrace.archiver.writer;

import java.io.IOException;

/**
 * One archive file being written: source records go in as rows, then it is committed (visible) or
 * aborted.
 */
public interface RecordWriter<V> {
  void write(V record) throws IOException;

  /** Bytes held in memory for rows not yet flushed to storage (a current estimate). */
  long bufferedBytes();

  /** Finishes the file and makes it durable and visible under its final name. */
  void commit() throws IOException;

  /** Drops the file; nothing becomes visible. Never throws. */
  void abort();
}
