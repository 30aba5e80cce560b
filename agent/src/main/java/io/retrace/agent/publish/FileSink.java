package io.retrace.agent.publish;

import io.retrace.schemas.event.RecordedEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileConstants;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Writes events to an Avro container file ({@code out=FILE}): recording on a laptop with no Kafka
 * at all. Avro tools read the file (those with zstd support, or any with {@code
 * out.codec=deflate}); {@code retrace replay --from FILE} will too.
 *
 * <p>Blocks are compressed ({@code out.codec}) with zstd at level 1 by default: on the order
 * service's events it takes a third of deflate's time per byte (deflate at level 1 was a third of
 * the publisher thread) and shrinks them 9.6-fold against deflate's 8.2. Reading the file then
 * needs zstd support (Avro with {@code zstd-jni}, fastavro with {@code zstandard}); {@code
 * out.codec=deflate} writes what every Avro reader reads. Where zstd's native library cannot load
 * (a platform the agent carries no library for, a temporary directory that cannot hold one), or
 * would make the JVM warn (Java 24+ without native access enabled), the sink says so once and
 * writes deflate.
 */
public final class FileSink implements EventSink {
  private static final Logger log = Logger.getLogger(FileSink.class.getName());

  /** Block compression of the file. */
  public enum Compression {
    /** zstd, level 1. */
    ZSTANDARD,
    /** deflate, level 1: read by every Avro reader. */
    DEFLATE
  }

  private static final int LEVEL = 1;

  private final DataFileWriter<RecordedEvent> writer;

  /** The zstd codec whose native context the sink frees on close; null when writing deflate. */
  private final ZstdBlockCodec zstd;

  private final SpecificDatumWriter<RecordedEvent> datumWriter =
      new SpecificDatumWriter<>(RecordedEvent.class);

  /**
   * One event's encoding, reused (its array grows to the largest event, at most 1 MiB is kept
   * between events): {@code DataFileWriter.append} would write each field through a synchronized
   * stream. Events are encoded by {@link EventEncoder}, the datum writer only for what it does not
   * know.
   */
  private final ArrayEncoder encoder = new ArrayEncoder();

  private final EventEncoder eventEncoder = new EventEncoder();

  public FileSink(Path file, Compression compression) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    zstd = compression == Compression.ZSTANDARD ? zstdIfItLoads() : null;
    writer = new DataFileWriter<>(datumWriter);
    writer.setCodec(zstd != null ? zstd.factory() : CodecFactory.deflateCodec(LEVEL));
    try {
      writer.create(RecordedEvent.getClassSchema(), file.toFile());
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  private static ZstdBlockCodec zstdIfItLoads() {
    if (!ZstdBlockCodec.nativeAccessEnabled()) {
      log.log(
          Level.INFO,
          "Retrace: zstd's native library needs --enable-native-access=ALL-UNNAMED on Java 24 and"
              + " later, where the JVM otherwise warns on the console that it was loaded; the"
              + " recording file is compressed with deflate");
      return null;
    }
    try {
      return new ZstdBlockCodec(LEVEL);
    } catch (LinkageError | RuntimeException e) {
      log.log(
          Level.WARNING,
          "Retrace: zstd is not available here ({0}); the recording file is compressed with"
              + " deflate",
          e.toString());
      return null;
    }
  }

  /** The codec the file's blocks are written with, as Avro names it. */
  public String codec() {
    return zstd != null ? zstd.getName() : DataFileConstants.DEFLATE_CODEC;
  }

  @Override
  public void write(List<RecordedEvent> events) throws IOException {
    for (RecordedEvent e : events) {
      encoder.reset();
      if (!eventEncoder.write(e, encoder)) {
        // A value the direct encoding does not know: the datum writer encodes it or says why not.
        encoder.reset();
        datumWriter.write(e, encoder);
      }
      writer.appendEncoded(encoder.written());
    }
  }

  @Override
  public void flush() throws IOException {
    writer.flush();
  }

  @Override
  public void close() throws IOException {
    try {
      writer.close();
    } finally {
      if (zstd != null) {
        zstd.close();
      }
    }
  }
}
