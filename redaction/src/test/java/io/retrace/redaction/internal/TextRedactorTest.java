package io.retrace.redaction.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The remembered clean texts answer exactly as a scan would. */
class TextRedactorTest {
  private static final String AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

  private final TextRedactor redactor = new TextRedactor(allOn(), hasher());

  private static ActionSpec[] allOn() {
    ActionSpec[] on = new ActionSpec[DetectorKind.all().length];
    for (DetectorKind k : DetectorKind.all()) {
      on[k.ordinal()] = k.defaultAction();
    }
    return on;
  }

  private static Hasher hasher() {
    return new Hasher("test-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
  }

  private String redact(String text, CharSequence context) {
    return redactor.redact(text, context, () -> "field", new Notes("test"));
  }

  @Test
  void aCleanTextIsReturnedAsItIsEveryTime() {
    String host = "127.0.0.1:8080";
    assertThat(redact(host, "Host")).isSameAs(host);
    String again = new String(host.toCharArray()); // as a new request's header would be
    assertThat(redact(again, "Host")).isSameAs(again);
  }

  @Test
  void aTextCleanUnderOneNameIsStillRedactedUnderANameThatMakesItASecret() {
    assertThat(redact(AWS_SECRET, "description")).isSameAs(AWS_SECRET);
    assertThat(redact(AWS_SECRET, "awsSecretKey")).doesNotContain(AWS_SECRET);
    assertThat(redact(AWS_SECRET, "description")).isSameAs(AWS_SECRET);
  }

  @Test
  void aNameThatChangesAfterTheCallIsNotTakenAsTheOneTheTextWasCleanUnder() {
    StringBuilder name = new StringBuilder("description");
    assertThat(redact(AWS_SECRET, name)).isSameAs(AWS_SECRET);
    name.setLength(0);
    name.append("awsSecretKey");
    assertThat(redact(AWS_SECRET, name)).doesNotContain(AWS_SECRET);
  }

  @Test
  void aSecretIsRedactedEveryTimeItIsSeen() {
    String paid = "paid with 4111 1111 1111 1111";
    for (int i = 0; i < 3; i++) {
      assertThat(redact(paid, null)).doesNotContain("4111 1111 1111 1111");
    }
  }

  @Test
  void manyCleanTextsMappingToTheSameSlotsLeaveTheAnswersRight() {
    // More clean texts than the table has slots, long and short, then the secrets again.
    for (int i = 0; i < TextRedactor.CLEAN_SLOTS * 4; i++) {
      String clean = "order " + i + " " + "x".repeat(i % (TextRedactor.CLEAN_MAX_CHARS + 20));
      assertThat(redact(clean, i % 2 == 0 ? null : "Note")).isSameAs(clean);
    }
    assertThat(redact("card 4111111111111111", null)).doesNotContain("4111111111111111");
    assertThat(redact(AWS_SECRET, "awsSecretKey")).doesNotContain(AWS_SECRET);
  }
}
