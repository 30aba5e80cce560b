package io.retrace.ingest.internal;

import io.retrace.schemas.event.RecordingInfo;
import io.retrace.schemas.event.SessionSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Serdes of the app's own state stores and internal topics. They use Avro's single-object encoding
 * (schema fingerprint + binary), not the registry: internal data never leaves the app, and a
 * registry outage must not stop state restoration. A change of SessionSummary or RecordingInfo that
 * is not readable by the old fingerprint needs an application reset.
 */
public final class StateSerdes {
  private StateSerdes() {}

  public static Serde<SessionSummary> summary() {
    return avro(SessionSummary.getEncoder(), SessionSummary.getDecoder());
  }

  public static Serde<RecordingInfo> recordingInfo() {
    return avro(RecordingInfo.getEncoder(), RecordingInfo.getDecoder());
  }

  /** The summaries of one trace's sessions: a count, then each summary length-prefixed. */
  public static Serde<List<SessionSummary>> summaries() {
    BinaryMessageEncoder<SessionSummary> encoder = SessionSummary.getEncoder();
    BinaryMessageDecoder<SessionSummary> decoder = SessionSummary.getDecoder();
    return Serdes.serdeFrom(
        (topic, list) -> {
          if (list == null) {
            return null;
          }
          List<ByteBuffer> parts = new ArrayList<>(list.size());
          int size = 4;
          for (SessionSummary s : list) {
            ByteBuffer part = encode(encoder, s);
            parts.add(part);
            size += 4 + part.remaining();
          }
          ByteBuffer out = ByteBuffer.allocate(size).putInt(parts.size());
          for (ByteBuffer part : parts) {
            out.putInt(part.remaining()).put(part);
          }
          return out.array();
        },
        (topic, bytes) -> {
          if (bytes == null) {
            return null;
          }
          ByteBuffer in = ByteBuffer.wrap(bytes);
          int count = in.getInt();
          List<SessionSummary> list = new ArrayList<>(count);
          for (int i = 0; i < count; i++) {
            int length = in.getInt();
            ByteBuffer part = in.slice();
            part.limit(length);
            list.add(decode(decoder, part));
            in.position(in.position() + length);
          }
          return list;
        });
  }

  /**
   * A key's session windows: a count, then each window's start, end and length-prefixed summary.
   */
  public static Serde<SessionWindows> sessionWindows() {
    BinaryMessageEncoder<SessionSummary> encoder = SessionSummary.getEncoder();
    BinaryMessageDecoder<SessionSummary> decoder = SessionSummary.getDecoder();
    return Serdes.serdeFrom(
        (topic, sessions) -> {
          if (sessions == null) {
            return null;
          }
          List<ByteBuffer> parts = new ArrayList<>(sessions.windows.size());
          int size = 4;
          for (SessionWindows.Window w : sessions.windows) {
            ByteBuffer part = encode(encoder, w.summary);
            parts.add(part);
            size += 8 + 8 + 4 + part.remaining();
          }
          ByteBuffer out = ByteBuffer.allocate(size).putInt(parts.size());
          for (int i = 0; i < parts.size(); i++) {
            SessionWindows.Window w = sessions.windows.get(i);
            out.putLong(w.start).putLong(w.end).putInt(parts.get(i).remaining()).put(parts.get(i));
          }
          return out.array();
        },
        (topic, bytes) -> {
          if (bytes == null) {
            return null;
          }
          ByteBuffer in = ByteBuffer.wrap(bytes);
          int count = in.getInt();
          List<SessionWindows.Window> windows = new ArrayList<>(count);
          for (int i = 0; i < count; i++) {
            long start = in.getLong();
            long end = in.getLong();
            int length = in.getInt();
            ByteBuffer part = in.slice();
            part.limit(length);
            windows.add(new SessionWindows.Window(start, end, decode(decoder, part)));
            in.position(in.position() + length);
          }
          return new SessionWindows(windows);
        });
  }

  /** Per-agent sequence state: the last sequence accepted and when the agent was last seen. */
  public record AgentPosition(long lastSequence, long lastSeenMillis) {}

  public static Serde<AgentPosition> agentPosition() {
    return Serdes.serdeFrom(
        (topic, p) ->
            p == null
                ? null
                : ByteBuffer.allocate(16).putLong(p.lastSequence).putLong(p.lastSeenMillis).array(),
        (topic, bytes) -> {
          if (bytes == null) {
            return null;
          }
          ByteBuffer in = ByteBuffer.wrap(bytes);
          return new AgentPosition(in.getLong(), in.getLong());
        });
  }

  private static <T> Serde<T> avro(
      BinaryMessageEncoder<T> encoder, BinaryMessageDecoder<T> decoder) {
    return Serdes.serdeFrom(
        (topic, value) -> {
          if (value == null) {
            return null;
          }
          ByteBuffer buffer = encode(encoder, value);
          byte[] bytes = new byte[buffer.remaining()];
          buffer.get(bytes);
          return bytes;
        },
        (topic, bytes) -> bytes == null ? null : decode(decoder, ByteBuffer.wrap(bytes)));
  }

  private static <T> ByteBuffer encode(BinaryMessageEncoder<T> encoder, T value) {
    try {
      return encoder.encode(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static <T> T decode(BinaryMessageDecoder<T> decoder, ByteBuffer bytes) {
    try {
      return decoder.decode(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
