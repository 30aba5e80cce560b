package io.retrace.agent.publish;

import io.retrace.schemas.event.RecordedEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Writes events to an Avro container file ({@code out=FILE}): recording on a laptop with no Kafka
 * at all. Any Avro tool reads the file; {@code retrace replay --from FILE} will too.
 *
 * <p>Blocks are compressed with deflate at level 1: of the codecs every Avro reader has (null,
 * deflate) it is the one that shrinks recordings (HTTP headers, JSON bodies, repeated envelopes)
 * severalfold for a tenth of the publisher thread's time; snappy and zstd would need native
 * libraries that cannot be relocated inside the shaded agent.
 */
public final class FileSink implements EventSink {
  private final DataFileWriter<RecordedEvent> writer;
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

  public FileSink(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    writer = new DataFileWriter<>(datumWriter);
    writer.setCodec(CodecFactory.deflateCodec(1));
    writer.create(RecordedEvent.getClassSchema(), file.toFile());
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
    writer.close();
  }
}
