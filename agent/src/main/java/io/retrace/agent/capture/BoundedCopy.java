package io.retrace.agent.capture;

import io.retrace.schemas.event.Body;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/** The first {@code max} bytes of a stream the application reads or writes, and its full size. */
final class BoundedCopy {
  private final int max;
  private final ByteArrayOutputStream bytes;
  private long total;

  BoundedCopy(int max) {
    this.max = max;
    this.bytes = new ByteArrayOutputStream(Math.min(max, 1024));
  }

  void add(int b) {
    total++;
    if (bytes.size() < max) {
      bytes.write(b);
    }
  }

  void add(byte[] b, int off, int len) {
    total += len;
    int room = max - bytes.size();
    if (room > 0) {
      bytes.write(b, off, Math.min(room, len));
    }
  }

  /** Whether the copy holds all it may: what comes next is only counted. */
  boolean full() {
    return bytes.size() >= max;
  }

  /** Forgets everything: the body was discarded (a response buffer reset). */
  void reset() {
    bytes.reset();
    total = 0;
  }

  Body toBody(String contentType) {
    if (total == 0) {
      return null;
    }
    return new Body(ByteBuffer.wrap(bytes.toByteArray()), contentType, total > max, total);
  }
}
