package io.retrace.agent.capture;

import io.retrace.schemas.event.Body;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** The first {@code max} bytes of a stream the application reads or writes, and its full size. */
final class BoundedCopy {
  /** Bodies are mostly small: start at this and grow by doubling up to the bound. */
  private static final int INITIAL_BYTES = 256;

  private final int max;
  private final ByteArrayOutputStream bytes;
  private long total;

  BoundedCopy(int max) {
    this.max = max;
    this.bytes = new ByteArrayOutputStream(Math.min(max, INITIAL_BYTES));
  }

  /**
   * Up to {@code limit} bytes from the start of {@code in}, as {@link InputStream#readNBytes(int)}
   * reads them, but into an array that starts small and grows: request bodies are mostly far below
   * the bound, and readNBytes allocates an 8 KB chunk for every one of them.
   */
  static byte[] readHead(InputStream in, int limit) throws IOException {
    byte[] buf = new byte[Math.min(limit, INITIAL_BYTES)];
    int n = 0;
    while (n < limit) {
      if (n == buf.length) {
        buf = Arrays.copyOf(buf, (int) Math.min(limit, 2L * buf.length));
      }
      int read = in.read(buf, n, buf.length - n);
      if (read < 0) {
        break;
      }
      n += read;
    }
    return n == buf.length ? buf : Arrays.copyOf(buf, n);
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

  void add(ByteBuffer buffer) {
    if (buffer.hasArray()) {
      add(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
    } else {
      byte[] bytes = new byte[buffer.remaining()];
      buffer.duplicate().get(bytes);
      add(bytes, 0, bytes.length);
    }
  }

  /** Counts {@code n} bytes that went by without being offered for the copy. */
  void skipped(long n) {
    total += n;
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
