package io.retrace.redaction.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EditsTest {
  private static final String TEXT = "{\"a\":\"secret\",\"n\":4111111111111111,\"b\":\"x\"}";

  private static Edits threeEdits() {
    Edits e = new Edits();
    e.add(6, 12, "******");
    e.add(18, 34, "\"hmac:0123\"");
    e.add(40, 41, "");
    return e;
  }

  @Test
  void noEditsGiveTheTextItself() {
    Edits e = new Edits();
    assertThat(e.isEmpty()).isTrue();
    assertThat(e.applyTo(TEXT)).isSameAs(TEXT);
  }

  @Test
  void replacesRangesOfTheText() {
    assertThat(threeEdits().applyTo(TEXT))
        .isEqualTo("{\"a\":\"******\",\"n\":\"hmac:0123\",\"b\":\"\"}");
  }

  @Test
  void splicedBytesEqualTheEncodedEditedText() {
    byte[] framed = ("xx" + TEXT + "yy").getBytes(StandardCharsets.US_ASCII);
    byte[] out = threeEdits().applyToAscii(framed, 2, TEXT.length());
    assertThat(new String(out, StandardCharsets.UTF_8)).isEqualTo(threeEdits().applyTo(TEXT));
  }

  @Test
  void replacementsMayHoldAnyCharacter() {
    Edits e = new Edits();
    e.add(0, 1, "é€");
    e.add(2, 2, "😀");
    byte[] out = e.applyToAscii("abc".getBytes(StandardCharsets.US_ASCII), 0, 3);
    assertThat(new String(out, StandardCharsets.UTF_8)).isEqualTo("é€b😀c");
    assertThat(e.applyTo("abc")).isEqualTo("é€b😀c");
  }

  @Test
  void growsPastItsFirstArrays() {
    Edits e = new Edits();
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      e.add(i, i + 1, "<" + i + ">");
      expected.append('<').append(i).append('>');
    }
    assertThat(e.applyTo("0123456789")).isEqualTo(expected.toString());
  }

  @Test
  void rejectsOverlappingOrUnorderedEdits() {
    Edits e = new Edits();
    e.add(4, 8, "x");
    assertThatThrownBy(() -> e.add(6, 9, "y")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> e.add(1, 2, "y")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> e.add(9, 8, "y")).isInstanceOf(IllegalArgumentException.class);
  }
}
