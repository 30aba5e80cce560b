package io.retrace.redaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retrace.redaction.internal.ActionSpec;
import io.retrace.redaction.internal.Hasher;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ActionsTest {
  private static final Hasher HASHER =
      new Hasher("test-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8));

  @Test
  void dropRemovesTheValue() {
    assertThat(ActionSpec.drop().apply("secret", HASHER)).isNull();
  }

  @Test
  void maskKeepsTheLastCharactersButNeverMoreThanHalf() {
    assertThat(ActionSpec.mask(4).apply("4111111111111111", HASHER)).isEqualTo("************1111");
    assertThat(ActionSpec.mask(4).apply("abcdef", HASHER)).isEqualTo("***def");
    assertThat(ActionSpec.mask(0).apply("abc", HASHER)).isEqualTo("***");
  }

  @Test
  void hashIsAStableKeyedTokenThatDoesNotContainTheValue() {
    String a = ActionSpec.hash().apply("jane@example.com", HASHER);
    assertThat(a).matches("hmac:[0-9a-f]{16}").doesNotContain("jane");
    assertThat(ActionSpec.hash().apply("jane@example.com", HASHER)).isEqualTo(a);
    assertThat(ActionSpec.hash().apply("john@example.com", HASHER)).isNotEqualTo(a);
    Hasher otherKey = new Hasher("another-key-0123456789".getBytes(StandardCharsets.UTF_8));
    assertThat(ActionSpec.hash().apply("jane@example.com", otherKey)).isNotEqualTo(a);
  }

  @Test
  void truncateKeepsTheFirstCharacters() {
    assertThat(ActionSpec.truncate(3).apply("abcdef", HASHER)).isEqualTo("abc");
    assertThat(ActionSpec.truncate(8).apply("abc", HASHER)).isEqualTo("abc");
  }

  @Test
  void replacePutsFixedText() {
    assertThat(ActionSpec.replace("[gone]").apply("anything", HASHER)).isEqualTo("[gone]");
  }

  @Test
  void aShortHmacKeyIsRefused() {
    assertThatThrownBy(() -> new Hasher("short".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 16 bytes");
  }
}
