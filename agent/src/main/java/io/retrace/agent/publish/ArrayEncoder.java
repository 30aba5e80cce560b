package io.retrace.agent.publish;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.avro.io.BinaryData;
import org.apache.avro.io.BinaryEncoder;

/**
 * An Avro binary encoder that writes into one growable array, for a record encoded whole and then
 * copied out: Avro's buffered encoder writes into its own buffer and then into a stream, and
 * encodes a string char by char to find out whether it is ASCII; here each value goes straight into
 * the array and a string through the JDK's UTF-8 encoder. Avro's binary encoding has one form per
 * value, so the bytes are those of {@code EncoderFactory.binaryEncoder}.
 *
 * <p>The array grows to the largest record; {@link #reset} drops one grown beyond {@value
 * #MAX_RETAINED} bytes, so at most that much is held between records.
 */
final class ArrayEncoder extends BinaryEncoder {
  private static final int INITIAL = 4096;
  private static final int MAX_RETAINED = 1 << 20;

  private byte[] buf = new byte[INITIAL];
  private int pos;

  /** Empties the encoder for the next record. */
  void reset() {
    pos = 0;
    if (buf.length > MAX_RETAINED) {
      buf = new byte[INITIAL];
    }
  }

  /** A copy of what was written since the last {@link #reset}. */
  byte[] toByteArray() {
    return Arrays.copyOf(buf, pos);
  }

  /** What was written since the last {@link #reset}, in place: valid until the next write. */
  ByteBuffer written() {
    return ByteBuffer.wrap(buf, 0, pos);
  }

  @Override
  public void writeString(String s) {
    if (s.isEmpty()) {
      writeZero();
      return;
    }
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    writeInt(utf8.length);
    writeFixed(utf8, 0, utf8.length);
  }

  @Override
  public void writeBoolean(boolean b) {
    ensure(1);
    buf[pos++] = (byte) (b ? 1 : 0);
  }

  @Override
  public void writeInt(int n) {
    ensure(5);
    pos += BinaryData.encodeInt(n, buf, pos);
  }

  @Override
  public void writeLong(long n) {
    ensure(10);
    pos += BinaryData.encodeLong(n, buf, pos);
  }

  @Override
  public void writeFloat(float f) {
    ensure(4);
    pos += BinaryData.encodeFloat(f, buf, pos);
  }

  @Override
  public void writeDouble(double d) {
    ensure(8);
    pos += BinaryData.encodeDouble(d, buf, pos);
  }

  @Override
  public void writeFixed(byte[] bytes, int start, int len) {
    ensure(len);
    System.arraycopy(bytes, start, buf, pos, len);
    pos += len;
  }

  @Override
  protected void writeZero() {
    ensure(1);
    buf[pos++] = 0;
  }

  /** Nothing is held back: everything written is in the array. */
  @Override
  public int bytesBuffered() {
    return 0;
  }

  @Override
  public void flush() {}

  private void ensure(int n) {
    if (pos + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
    }
  }
}
