package io.retrace.agent.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.Test;

class ArrayEncoderTest {
  /** Writes the same values to an encoder; run against Avro's encoder and ours. */
  @FunctionalInterface
  private interface Values {
    void writeTo(BinaryEncoder out) throws IOException;
  }

  @Test
  void numbersAndBooleansAreEncodedAsAvroEncodesThem() throws IOException {
    assertEncodesLikeAvro(
        out -> {
          for (int i :
              new int[] {
                0, 1, -1, 63, -64, 64, 8191, -8192, Integer.MAX_VALUE, Integer.MIN_VALUE
              }) {
            out.writeInt(i);
          }
          for (long l : new long[] {0, -1, 1L << 35, Long.MAX_VALUE, Long.MIN_VALUE}) {
            out.writeLong(l);
          }
          out.writeFloat(Float.NaN);
          out.writeFloat(-0.0f);
          out.writeDouble(Double.MIN_VALUE);
          out.writeDouble(Double.NEGATIVE_INFINITY);
          out.writeBoolean(true);
          out.writeBoolean(false);
          out.writeIndex(3);
          out.writeEnum(2);
          out.writeNull();
          out.writeArrayStart();
          out.setItemCount(2);
          out.startItem();
          out.writeLong(7);
          out.startItem();
          out.writeLong(8);
          out.writeArrayEnd();
          out.writeMapStart();
          out.setItemCount(0);
          out.writeMapEnd();
        });
  }

  @Test
  void stringsOfEveryKindAreEncodedAsAvroEncodesThem() throws IOException {
    String[] strings = {
      "",
      "a",
      "GET",
      "x".repeat(127),
      "y".repeat(128),
      "z".repeat(129),
      "w".repeat(5000),
      "café",
      "naïve ☕ 日本語",
      "🎉 𝄞",
      "lone \uD800 surrogate",
      "trailing \uDC00",
      "é".repeat(300)
    };
    assertEncodesLikeAvro(
        out -> {
          for (String s : strings) {
            out.writeString(s);
            out.writeString(new Utf8(s));
          }
        });
  }

  @Test
  void bytesFromArraysSlicesAndDirectBuffersAreEncodedAsAvroEncodesThem() throws IOException {
    byte[] data = "0123456789".repeat(1000).getBytes(StandardCharsets.US_ASCII);
    ByteBuffer direct = ByteBuffer.allocateDirect(100);
    direct.put(data, 0, 100).flip();
    assertEncodesLikeAvro(
        out -> {
          out.writeBytes(ByteBuffer.wrap(data));
          out.writeBytes(ByteBuffer.wrap(data, 5, 17));
          out.writeBytes(ByteBuffer.wrap(data, 3, 500).slice());
          out.writeBytes(ByteBuffer.allocate(0));
          out.writeBytes(direct.duplicate());
          out.writeBytes(data, 10, 20);
          out.writeFixed(data, 1, 3);
        });
  }

  @Test
  void resetStartsTheNextRecordEmptyAfterALargeOne() throws IOException {
    ArrayEncoder encoder = new ArrayEncoder();
    byte[] large = new byte[3 << 20];
    Arrays.fill(large, (byte) 7);
    encoder.writeBytes(large, 0, large.length);
    assertThat(encoder.toByteArray()).hasSize(large.length + 4);
    encoder.reset();

    encoder.writeString("next");

    assertThat(encoder.toByteArray()).isEqualTo(new byte[] {8, 'n', 'e', 'x', 't'});
  }

  private static void assertEncodesLikeAvro(Values values) throws IOException {
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    BinaryEncoder avro = EncoderFactory.get().binaryEncoder(expected, null);
    values.writeTo(avro);
    avro.flush();
    ArrayEncoder ours = new ArrayEncoder();
    values.writeTo(ours);

    assertThat(ours.toByteArray()).isEqualTo(expected.toByteArray());
  }
}
