package io.retrace.redaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retrace.redaction.internal.ActionSpec;
import io.retrace.redaction.internal.Hasher;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
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
  void hashTokensAreHmacSha256OfTheValueWithTheDeploymentKey() throws Exception {
    // Tokens must stay the same across versions and between the agent and ingest: the standard
    // HMAC, whatever the key length (keys longer than a SHA-256 block are hashed first).
    for (int keyLength : new int[] {16, 32, 64, 65, 100}) {
      byte[] key = new byte[keyLength];
      for (int i = 0; i < keyLength; i++) {
        key[i] = (byte) (31 * i + keyLength);
      }
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      for (String value : new String[] {"", "jane@example.com", "ünïcødé ✓", "x".repeat(200)}) {
        byte[] expected = mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
        assertThat(new Hasher(key).token(value))
            .isEqualTo("hmac:" + HexFormat.of().formatHex(expected, 0, 8));
      }
    }
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
