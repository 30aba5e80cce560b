package io.retrace.redaction.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.retrace.schemas.event.RedactionAction;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
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

  private static NameTable<Scope.Rule> tokenRule() {
    NameTable<Scope.Rule> rules = new NameTable<>();
    rules.put(new Glob("token"), new Scope.Rule("sensitive-query", ActionSpec.replace("[X]")));
    return rules;
  }

  private static TextRedactor detectors() {
    ActionSpec[] all = new ActionSpec[DetectorKind.all().length];
    for (DetectorKind k : DetectorKind.all()) {
      all[k.ordinal()] = k.defaultAction();
    }
    return new TextRedactor(all, new Hasher(new byte[16]));
  }

  @Test
  void aQueryIsRedactedWhereItLiesInTheUrl() {
    String url = "https://h/p?a=1&&token=s3cr%20t&b=2#frag";
    int from = url.indexOf('?') + 1;
    int to = url.indexOf('#');
    Notes notes = new Notes("ingest");
    String redacted =
        FormRedactor.redact(url, from, to, tokenRule(), null, "q.", detectors(), null, notes);
    // Pairs before the first change keep their text as it was, empty ones included.
    assertThat(redacted).isEqualTo("a=1&&token=%5BX%5D&b=2");
    assertThat(redacted)
        .isEqualTo(
            FormRedactor.redact(
                url.substring(from, to), tokenRule(), null, "q.", detectors(), null, notes));
    assertThat(notes.list())
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.getField()).isEqualTo("q.token");
              assertThat(n.getAction()).isEqualTo(RedactionAction.REPLACE);
            });
  }

  @Test
  void anUnchangedRangeGivesNullAndAnUnchangedFormItself() {
    String url = "https://h/p?a=1&b=two";
    Notes notes = new Notes("ingest");
    assertThat(
            FormRedactor.redact(
                url, 12, url.length(), tokenRule(), null, "q.", detectors(), null, notes))
        .isNull();
    String form = url.substring(12);
    assertThat(FormRedactor.redact(form, tokenRule(), null, "q.", detectors(), null, notes))
        .isSameAs(form);
    assertThat(notes.isEmpty()).isTrue();
  }
}
