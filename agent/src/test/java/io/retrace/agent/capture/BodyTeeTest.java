package io.retrace.agent.capture;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.retrace.schemas.event.Body;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class BodyTeeTest {
  private static final String TEXT = "Croissant \uD83E\uDD50 crème, 3,50 €\n";

  @Test
  void keepsAWholeBodyUnderTheBound() {
    BodyTee tee = new BodyTee(16);
    tee.write("hello ".getBytes(UTF_8), 0, 6);
    tee.write('!');

    Body body = tee.toBody("text/plain", -1);

    assertThat(bytes(body)).isEqualTo("hello !".getBytes(UTF_8));
    assertThat(body.getTruncated()).isFalse();
    assertThat(body.getOriginalSize()).isEqualTo(7);
    assertThat(body.getContentType()).isEqualTo("text/plain");
  }

  @Test
  void cutsABodyAtTheBoundAndKeepsItsSize() {
    BodyTee tee = new BodyTee(4);
    byte[] data = "0123456789".getBytes(UTF_8);
    tee.write(data, 0, 6);
    tee.write(data, 6, 4);

    Body body = tee.toBody(null, -1);

    assertThat(bytes(body)).isEqualTo("0123".getBytes(UTF_8));
    assertThat(body.getTruncated()).isTrue();
    assertThat(body.getOriginalSize()).isEqualTo(10);
  }

  @Test
  void nothingPassedIsNoBody() {
    assertThat(new BodyTee(16).toBody("text/plain", -1)).isNull();
  }

  @Test
  void aRequestBodyReadOnlyInPartIsFlaggedWithItsAnnouncedSize() {
    BodyTee tee = new BodyTee(64);
    tee.write("abc".getBytes(UTF_8), 0, 3);

    Body partly = tee.toBody("text/plain", 10);
    Body unread = new BodyTee(64).toBody("text/plain", 10);

    assertThat(bytes(partly)).isEqualTo("abc".getBytes(UTF_8));
    assertThat(partly.getTruncated()).isTrue();
    assertThat(partly.getOriginalSize()).isEqualTo(10);
    assertThat(bytes(unread)).isEmpty();
    assertThat(unread.getTruncated()).isTrue();
    assertThat(unread.getOriginalSize()).isEqualTo(10);
  }

  @Test
  void theWriterPassesEveryCharacterOnAndCopiesTheEncodedBytes() {
    StringWriter client = new StringWriter();
    BodyTee tee = new BodyTee(1024);
    PrintWriter writer = tee.writer(new PrintWriter(client), "UTF-8", Locale.GERMANY);

    // A surrogate pair split across two writes, print, println, printf and append.
    writer.write(0xD83E);
    writer.write(0xDD50);
    writer.print(" ok ");
    writer.println(42);
    writer.printf("%.2f", 3.5);
    writer.append('€');
    writer.flush();

    String expected =
        "\uD83E\uDD50 ok 42"
            + System.lineSeparator()
            + String.format(Locale.getDefault(Locale.Category.FORMAT), "%.2f", 3.5)
            + "€";
    assertThat(client.toString()).isEqualTo(expected);
    assertThat(bytes(tee.toBody(null, -1))).isEqualTo(expected.getBytes(UTF_8));
  }

  @Test
  void theWriterFormatsWithTheLocaleOfAServerWriterThatHasItsOwn() {
    StringWriter client = new StringWriter();
    PrintWriter server =
        new PrintWriter(client) {
          @Override
          public PrintWriter format(String format, Object... args) {
            return format(Locale.GERMANY, format, args);
          }
        };
    BodyTee tee = new BodyTee(1024);

    tee.writer(server, "ISO-8859-1", Locale.GERMANY).printf("%.2f", 3.5).flush();

    assertThat(client.toString()).isEqualTo("3,50");
    assertThat(bytes(tee.toBody(null, -1))).isEqualTo("3,50".getBytes(ISO_8859_1));
  }

  @Test
  void theWriterReportsTheServerWritersErrors() {
    PrintWriter broken =
        new PrintWriter(new StringWriter()) {
          @Override
          public boolean checkError() {
            return true;
          }
        };

    assertThat(new BodyTee(8).writer(broken, "UTF-8", Locale.ROOT).checkError()).isTrue();
  }

  @Test
  void theReaderHandsOutTheServersCharactersAndCopiesTheirBytes() throws Exception {
    String body = TEXT.repeat(3);
    BodyTee tee = new BodyTee(1024);

    String read;
    try (BufferedReader reader = tee.reader(new BufferedReader(new StringReader(body)), "UTF-8")) {
      read = reader.lines().collect(Collectors.joining("\n", "", "\n"));
    }

    assertThat(read).isEqualTo(body);
    assertThat(bytes(tee.toBody(null, -1))).isEqualTo(body.getBytes(UTF_8));
  }

  @Test
  void charactersPastTheBoundLeaveTheSizeUnknown() {
    BodyTee tee = new BodyTee(8);
    PrintWriter writer = tee.writer(new PrintWriter(new StringWriter()), "UTF-8", Locale.ROOT);

    writer.print("0123456789");
    writer.print("more");

    Body body = tee.toBody(null, -1);
    assertThat(bytes(body)).isEqualTo("01234567".getBytes(UTF_8));
    assertThat(body.getTruncated()).isTrue();
    assertThat(body.getOriginalSize()).isEqualTo(-1);
  }

  @Test
  void textIsCopiedInTheServersCharset() {
    BodyTee tee = new BodyTee(64);

    tee.text("crème", "UTF-8");
    tee.text("crème", null);

    assertThat(bytes(tee.toBody(null, -1)))
        .isEqualTo(concat("crème".getBytes(UTF_8), "crème".getBytes(ISO_8859_1)));
  }

  @Test
  void aResetForgetsWhatTheServerDiscarded() {
    BodyTee tee = new BodyTee(64);
    tee.write("draft".getBytes(UTF_8), 0, 5);

    tee.reset();
    tee.write("final".getBytes(UTF_8), 0, 5);

    Body body = tee.toBody(null, -1);
    assertThat(bytes(body)).isEqualTo("final".getBytes(UTF_8));
    assertThat(body.getOriginalSize()).isEqualTo(5);
  }

  private static byte[] bytes(Body body) {
    ByteBuffer buffer = body.getBytes().duplicate();
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }
}
