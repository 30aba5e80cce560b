package io.retrace.archiver.storage;

import java.io.IOException;
import java.util.List;
import org.apache.parquet.io.OutputFile;

/**
 * Where archive files go: a local directory or an object store. Files become visible to readers
 * atomically and only when {@link PendingFile#publish} returns, so a reader never sees half a file
 * and a writer that dies leaves nothing a reader would pick up.
 */
public interface ArchiveStorage extends AutoCloseable {

  /** A file being written. Exactly one of {@link #publish} and {@link #abort} ends it. */
  interface PendingFile {
    /** The sink the Parquet writer writes to; closing it does not yet publish on file systems. */
    OutputFile outputFile();

    /**
     * Makes the closed file durable and visible under its final name, replacing a file of that
     * name.
     */
    void publish() throws IOException;

    /** Drops whatever was written; never throws. */
    void abort();
  }

  /** Starts a file at {@code relativePath} (under the archive root, {@code /}-separated). */
  PendingFile create(String relativePath) throws IOException;

  /** Names of the entries directly inside {@code relativeDir}; empty when it does not exist. */
  List<String> list(String relativeDir) throws IOException;

  /** Deletes {@code relativeDir} and everything under it; returns the number of files deleted. */
  int deleteRecursively(String relativeDir) throws IOException;

  /** The archive root as the user wrote it, for messages. */
  String describe();

  @Override
  void close() throws IOException;
}
