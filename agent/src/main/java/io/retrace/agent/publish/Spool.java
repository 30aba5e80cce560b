package io.retrace.agent.publish;

import io.retrace.schemas.event.RecordedEvent;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Events that could not reach the broker, on disk, in order, bounded by {@code maxBytes}: past the
 * bound the oldest segment is deleted and its events counted as dropped. Events are stored as plain
 * Avro binary (no registry id), so spooling works while the registry is down too. Segments left by
 * an earlier run are drained as well.
 */
public final class Spool {
  private static final Logger log = Logger.getLogger(Spool.class.getName());
  static final long SEGMENT_BYTES = 8L << 20;

  private final Path dir;
  private final long maxBytes;
  private final SpecificDatumWriter<RecordedEvent> writer =
      new SpecificDatumWriter<>(RecordedEvent.class);
  private final SpecificDatumReader<RecordedEvent> reader =
      new SpecificDatumReader<>(RecordedEvent.class);
  private final java.io.ByteArrayOutputStream scratch = new java.io.ByteArrayOutputStream(1024);
  private BinaryEncoder encoder;
  private long nextSegment;
  private DataOutputStream current;
  private long currentBytes;
  private long droppedEvents;
  private long spooledEvents;

  public Spool(Path dir, long maxBytes) throws IOException {
    this.dir = Files.createDirectories(dir);
    this.maxBytes = maxBytes;
    List<Path> existing = segments();
    nextSegment = existing.isEmpty() ? 0 : segmentNumber(existing.get(existing.size() - 1)) + 1;
  }

  /** Appends events after everything already spooled. */
  public void append(List<RecordedEvent> events) throws IOException {
    for (RecordedEvent event : events) {
      scratch.reset();
      encoder = EncoderFactory.get().binaryEncoder(scratch, encoder);
      writer.write(event, encoder);
      encoder.flush();
      if (current == null || currentBytes + scratch.size() + 4 > SEGMENT_BYTES) {
        roll();
      }
      current.writeInt(scratch.size());
      scratch.writeTo(current);
      currentBytes += 4 + scratch.size();
      spooledEvents++;
    }
    current.flush();
    enforceBound();
  }

  /**
   * Hands every spooled event, oldest first, to {@code sink}, deleting each segment once the sink
   * took all of it. If the sink throws, the segment stays and the exception propagates.
   */
  public long drain(Consumer<List<RecordedEvent>> sink) throws IOException {
    closeCurrent();
    long drained = 0;
    for (Path segment : segments()) {
      List<RecordedEvent> events = read(segment);
      sink.accept(events);
      Files.delete(segment);
      drained += events.size();
    }
    return drained;
  }

  public boolean isEmpty() throws IOException {
    return current == null && segments().isEmpty();
  }

  public long bytes() throws IOException {
    long total = 0;
    for (Path p : segments()) {
      total += Files.size(p);
    }
    return total;
  }

  /** Events deleted because the spool was full, since start. */
  public long droppedEvents() {
    return droppedEvents;
  }

  public long spooledEvents() {
    return spooledEvents;
  }

  private void roll() throws IOException {
    closeCurrent();
    Path segment = dir.resolve(String.format("spool-%020d.bin", nextSegment++));
    current =
        new DataOutputStream(
            new java.io.BufferedOutputStream(
                Files.newOutputStream(segment, StandardOpenOption.CREATE_NEW), 64 * 1024));
    currentBytes = 0;
  }

  private void closeCurrent() throws IOException {
    if (current != null) {
      current.close();
      current = null;
    }
  }

  private void enforceBound() throws IOException {
    List<Path> segments = segments();
    long total = bytes();
    // Never delete the segment being written: it holds the newest events.
    for (int i = 0; total > maxBytes && i < segments.size() - 1; i++) {
      Path oldest = segments.get(i);
      long size = Files.size(oldest);
      droppedEvents += read(oldest).size();
      Files.delete(oldest);
      total -= size;
      log.log(Level.WARNING, "Retrace spool over {0} bytes: dropped its oldest segment", maxBytes);
    }
  }

  private List<RecordedEvent> read(Path segment) throws IOException {
    List<RecordedEvent> events = new ArrayList<>();
    try (InputStream raw = Files.newInputStream(segment);
        DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw))) {
      BinaryDecoder decoder = null;
      while (true) {
        int length;
        try {
          length = in.readInt();
        } catch (EOFException end) {
          return events;
        }
        byte[] bytes = new byte[length];
        try {
          in.readFully(bytes);
        } catch (EOFException torn) {
          // A crash mid-write leaves a torn last record; everything before it is intact.
          return events;
        }
        decoder = DecoderFactory.get().binaryDecoder(bytes, decoder);
        events.add(reader.read(null, decoder));
      }
    }
  }

  private List<Path> segments() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> p.getFileName().toString().matches("spool-\\d{20}\\.bin"))
          .sorted()
          .toList();
    }
  }

  private static long segmentNumber(Path segment) {
    String name = segment.getFileName().toString();
    return Long.parseLong(name.substring(6, 26));
  }
}
