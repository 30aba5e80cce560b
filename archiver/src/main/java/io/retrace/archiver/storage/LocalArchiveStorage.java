package io.retrace.archiver.storage;

import io.retrace.archiver.format.FileNames;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * The archive in a local directory. A file is written under a hidden temporary name in its final
 * folder, forced to disk, then renamed atomically over the final name and the folder is forced too,
 * so after {@link PendingFile#publish} it survives a crash of the process or the machine.
 */
public final class LocalArchiveStorage implements ArchiveStorage {
  private static final int BUFFER = 1 << 16;

  private final Path root;

  public LocalArchiveStorage(Path root) throws IOException {
    this.root = root.toAbsolutePath().normalize();
    Files.createDirectories(this.root);
  }

  @Override
  public PendingFile create(String relativePath) throws IOException {
    Path target = root.resolve(relativePath);
    Files.createDirectories(target.getParent());
    Path temp =
        target.resolveSibling(
            FileNames.TEMP_PREFIX + target.getFileName() + "." + UUID.randomUUID());
    return new LocalPendingFile(target, temp);
  }

  @Override
  public List<String> list(String relativeDir) throws IOException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(root.resolve(relativeDir))) {
      for (Path p : dir) {
        names.add(p.getFileName().toString());
      }
    } catch (NoSuchFileException e) {
      return List.of();
    }
    names.sort(null);
    return names;
  }

  @Override
  public int deleteRecursively(String relativeDir) throws IOException {
    Path dir = root.resolve(relativeDir);
    if (!Files.exists(dir)) {
      return 0;
    }
    int[] files = {0};
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            files[0]++;
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            Files.delete(d);
            return FileVisitResult.CONTINUE;
          }
        });
    return files[0];
  }

  @Override
  public String describe() {
    return root.toUri().toString();
  }

  @Override
  public void close() {}

  private static void forceDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  private static final class LocalPendingFile implements PendingFile {
    private final Path target;
    private final Path temp;
    private FileChannel channel;

    LocalPendingFile(Path target, Path temp) {
      this.target = target;
      this.temp = temp;
    }

    @Override
    public OutputFile outputFile() {
      return new StreamOutputFile(target.toString(), this::open);
    }

    private PositionOutputStream open() throws IOException {
      channel =
          FileChannel.open(
              temp,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE);
      return new ChannelOutputStream(channel);
    }

    @Override
    public void publish() throws IOException {
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("The archive file system cannot rename atomically: " + target, e);
      }
      forceDirectory(target.getParent());
    }

    @Override
    public void abort() {
      try {
        if (channel != null && channel.isOpen()) {
          channel.close();
        }
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        // A leftover temporary file is hidden from readers (leading _) and goes with its folder.
      }
    }
  }

  /** A buffered stream over a channel that forces the data to disk when closed. */
  private static final class ChannelOutputStream extends PositionOutputStream {
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
    private long position;

    ChannelOutputStream(FileChannel channel) {
      this.channel = channel;
    }

    @Override
    public long getPos() {
      return position;
    }

    @Override
    public void write(int b) throws IOException {
      if (!buffer.hasRemaining()) {
        drain();
      }
      buffer.put((byte) b);
      position++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (len >= BUFFER) {
        drain();
        ByteBuffer src = ByteBuffer.wrap(b, off, len);
        while (src.hasRemaining()) {
          channel.write(src);
        }
      } else {
        if (buffer.remaining() < len) {
          drain();
        }
        buffer.put(b, off, len);
      }
      position += len;
    }

    @Override
    public void flush() throws IOException {
      drain();
    }

    @Override
    public void close() throws IOException {
      if (!channel.isOpen()) {
        return;
      }
      try {
        drain();
        channel.force(true);
      } finally {
        channel.close();
      }
    }

    private void drain() throws IOException {
      buffer.flip();
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      buffer.clear();
    }
  }
}
