package io.retrace.archiver.storage;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * The archive on a Hadoop file system, in practice S3 through S3A. S3A makes an object visible only
 * when its stream closes (a single PUT, or a completed multipart upload), so files are written
 * straight to their final name: a writer that dies mid-file leaves at most an incomplete multipart
 * upload, which no reader lists. Renames, which are copies on S3, are never used.
 */
public final class HadoopArchiveStorage implements ArchiveStorage {
  private final URI root;
  private final FileSystem fs;

  public HadoopArchiveStorage(URI root, Configuration conf) throws IOException {
    this.root = root;
    // A private instance: closing it must not close a cached one another component uses.
    this.fs = FileSystem.newInstance(root, conf);
    try {
      // Fails now, not at the first file, when the credentials are wrong or access is denied.
      fs.exists(new Path(root));
    } catch (IOException e) {
      fs.close();
      throw e;
    }
  }

  private Path path(String relative) {
    return new Path(root.toString() + "/" + relative);
  }

  @Override
  public PendingFile create(String relativePath) {
    Path target = path(relativePath);
    return new PendingFile() {
      private FSDataOutputStream stream;
      private boolean closed;

      @Override
      public OutputFile outputFile() {
        return new StreamOutputFile(target.toString(), this::open);
      }

      private PositionOutputStream open() throws IOException {
        stream = fs.create(target, true);
        return new PositionOutputStream() {
          @Override
          public long getPos() throws IOException {
            return stream.getPos();
          }

          @Override
          public void write(int b) throws IOException {
            stream.write(b);
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            stream.write(b, off, len);
          }

          @Override
          public void flush() throws IOException {
            stream.flush();
          }

          @Override
          public void close() throws IOException {
            closed = true;
            stream.close();
          }
        };
      }

      @Override
      public void publish() {
        // Visible since the stream closed: the upload completed inside close().
      }

      @Override
      public void abort() {
        if (stream != null && !closed) {
          // Abandons the upload: the object never appears and no part is billed for long.
          stream.abort();
        }
      }
    };
  }

  @Override
  public List<String> list(String relativeDir) throws IOException {
    List<String> names = new ArrayList<>();
    try {
      for (FileStatus s : fs.listStatus(path(relativeDir))) {
        names.add(s.getPath().getName());
      }
    } catch (FileNotFoundException e) {
      return List.of();
    }
    names.sort(null);
    return names;
  }

  @Override
  public int deleteRecursively(String relativeDir) throws IOException {
    Path dir = path(relativeDir);
    int files = 0;
    try {
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(dir, true);
      while (it.hasNext()) {
        it.next();
        files++;
      }
    } catch (FileNotFoundException e) {
      return 0;
    }
    fs.delete(dir, true);
    return files;
  }

  @Override
  public String describe() {
    return root.toString();
  }

  @Override
  public void close() throws IOException {
    fs.close();
  }
}
