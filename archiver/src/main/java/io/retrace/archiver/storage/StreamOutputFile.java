package io.retrace.archiver.storage;

import java.io.IOException;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * A Parquet {@link OutputFile} over a stream the storage opens; the archiver always overwrites (a
 * restarted archiver rewrites a same-named partial file), so both create calls do the same.
 */
final class StreamOutputFile implements OutputFile {
  /** Opens the stream Parquet writes to. */
  interface Opener {
    PositionOutputStream open() throws IOException;
  }

  private final String path;
  private final Opener opener;

  StreamOutputFile(String path, Opener opener) {
    this.path = path;
    this.opener = opener;
  }

  @Override
  public PositionOutputStream create(long blockSizeHint) throws IOException {
    return opener.open();
  }

  @Override
  public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
    return opener.open();
  }

  @Override
  public boolean supportsBlockSize() {
    return false;
  }

  @Override
  public long defaultBlockSize() {
    return 0;
  }

  @Override
  public String getPath() {
    return path;
  }
}
