package io.retrace.agent.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BoundedCopyTest {
  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) i;
    }
    return b;
  }

  /** A stream that hands out at most 7 bytes a read, as sockets do. */
  private static InputStream trickle(byte[] content) {
    return new FilterInputStream(new ByteArrayInputStream(content)) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return super.read(b, off, Math.min(len, 7));
      }
    };
  }

  @Test
  void readsASmallBodyWhole() throws IOException {
    assertThat(BoundedCopy.readHead(trickle(bytes(22)), 65_537)).isEqualTo(bytes(22));
  }

  @Test
  void readsAnEmptyBodyAsNoBytes() throws IOException {
    assertThat(BoundedCopy.readHead(new ByteArrayInputStream(new byte[0]), 65_537)).isEmpty();
  }

  @Test
  void growsPastItsFirstArrayForALargerBody() throws IOException {
    byte[] body = bytes(5_000);

    assertThat(BoundedCopy.readHead(trickle(body), 65_537)).isEqualTo(body);
  }

  @Test
  void stopsAtTheLimitAndLeavesTheRestInTheStream() throws IOException {
    byte[] body = bytes(1_000);
    InputStream in = trickle(body);

    byte[] head = BoundedCopy.readHead(in, 601);

    assertThat(head).isEqualTo(Arrays.copyOf(body, 601));
    assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(body, 601, 1_000));
  }

  @Test
  void readsWhatReadNBytesReads() throws IOException {
    for (int size : new int[] {0, 1, 255, 256, 257, 513, 4_097}) {
      for (int limit : new int[] {1, 256, 257, 1_000}) {
        byte[] expected = new ByteArrayInputStream(bytes(size)).readNBytes(limit);

        assertThat(BoundedCopy.readHead(trickle(bytes(size)), limit))
            .as("size %d, limit %d", size, limit)
            .isEqualTo(expected);
      }
    }
  }
}
