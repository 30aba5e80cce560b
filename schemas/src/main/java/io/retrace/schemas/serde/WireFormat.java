package io.retrace.schemas.serde;

import io.retrace.schemas.serde.WireFormatException.Reason;
import java.io.ByteArrayOutputStream;

/**
 * The Confluent wire format framing: byte 0 is the magic byte 0, bytes 1 to 4 the schema id (big
 * endian), then the Avro binary body. The one place that writes and parses that header.
 */
public final class WireFormat {
  /** The only magic byte defined. */
  public static final byte MAGIC_BYTE = 0;

  /** Bytes before the Avro body: the magic byte and the 4-byte schema id. */
  public static final int HEADER_SIZE = 5;

  private WireFormat() {}

  /**
   * The schema id of a framed record.
   *
   * @throws WireFormatException {@code TRUNCATED} or {@code UNKNOWN_MAGIC_BYTE}
   */
  public static int schemaId(byte[] data) {
    return schemaId(null, data, 0, data.length);
  }

  /**
   * The schema id of the framed record in {@code data[offset, offset + length)}.
   *
   * @param topic named in the exception; null when not known
   * @throws WireFormatException {@code TRUNCATED} or {@code UNKNOWN_MAGIC_BYTE}
   */
  public static int schemaId(String topic, byte[] data, int offset, int length) {
    if (length < HEADER_SIZE) {
      throw new WireFormatException(
          Reason.TRUNCATED,
          topic,
          length + " bytes, fewer than the " + HEADER_SIZE + "-byte wire format header",
          null);
    }
    if (data[offset] != MAGIC_BYTE) {
      throw new WireFormatException(
          Reason.UNKNOWN_MAGIC_BYTE,
          topic,
          String.format("magic byte 0x%02x, expected 0x00", data[offset] & 0xff),
          null);
    }
    return (data[offset + 1] & 0xff) << 24
        | (data[offset + 2] & 0xff) << 16
        | (data[offset + 3] & 0xff) << 8
        | (data[offset + 4] & 0xff);
  }

  /** Writes the magic byte and {@code schemaId} to {@code out}. */
  public static void writeHeader(ByteArrayOutputStream out, int schemaId) {
    out.write(MAGIC_BYTE);
    out.write(schemaId >>> 24);
    out.write(schemaId >>> 16);
    out.write(schemaId >>> 8);
    out.write(schemaId);
  }
}
