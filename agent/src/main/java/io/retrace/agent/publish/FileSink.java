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
 */
public final class FileSink implements EventSink {
  private final DataFileWriter<RecordedEvent> writer;

  public FileSink(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    writer = new DataFileWriter<>(new SpecificDatumWriter<>(RecordedEvent.class));
    writer.setCodec(CodecFactory.deflateCodec(1));
    writer.create(RecordedEvent.getClassSchema(), file.toFile());
  }

  @Override
  public void write(List<RecordedEvent> events) throws IOException {
    for (RecordedEvent e : events) {
      writer.append(e);
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
