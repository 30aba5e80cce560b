package io.retrace.redaction.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FormRedactorTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "plain",
        "[REDACTED]",
        "a b+c&d=e/f?g#h%i",
        "hmac:0123456789abcdef",
        "ünïcødé ✓ 日本",
        "emoji 😀 mid",
        "lone \uD83D surrogate",
        "*-._~!'()"
      })
  void rewrittenValuesAreEncodedExactlyAsUrlEncoderEncodesThem(String value) {
    assertThat(FormRedactor.encode(value))
        .isEqualTo(URLEncoder.encode(value, StandardCharsets.UTF_8));
  }
}
