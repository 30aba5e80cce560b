package io.retrace.redaction;

import static io.retrace.redaction.Fixtures.http;
import static io.retrace.redaction.Fixtures.notes;
import static io.retrace.redaction.Fixtures.requestBody;
import static org.assertj.core.api.Assertions.assertThat;

import io.retrace.schemas.event.RecordedEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * JSON bodies are redacted in one pass: the detectors run on each string value (and long integer)
 * with its member name as context, and the bytes outside redacted values are kept.
 */
class JsonBodiesTest {
  private static final Redactor R =
      Redactor.create(RedactionPolicy.defaults(), Fixtures.KEY, "ingest");
  private static final String AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

  private static RecordedEvent json(String body) {
    return R.redact(http("orders", "/", List.of(), "application/json", body));
  }

  @Test
  void secretsInNestedValuesAreRedactedInPlace() {
    RecordedEvent out =
        json("{ \"a\": {\"b\": {\"c\": \"ssn 123-45-6789 ok\"}, \"d\": 1.5},\n \"e\": true }");
    assertThat(requestBody(out))
        .matches(
            "\\{ \"a\": \\{\"b\": \\{\"c\": \"ssn hmac:[0-9a-f]{16} ok\"}, \"d\": 1.5},\n"
                + " \"e\": true }");
    assertThat(notes(out)).containsExactly("detector.ssn request.body$.a.b.c HASH ingest");
  }

  @Test
  void secretsInArraysAreRedacted() {
    RecordedEvent out =
        json(
            "{\"to\":[\"jane@example.com\",{\"phone\":\"+44 20 7946 0958\"}],"
                + "\"cards\":[[\"x\",\"5500 0000 0000 0004\"]]}");
    assertThat(requestBody(out))
        .doesNotContain("jane@", "7946", "5500 0000")
        .contains("\"cards\":[[\"x\",\"***************0004\"]]");
    assertThat(notes(out))
        .containsExactly(
            "detector.email request.body$.to[*] HASH ingest",
            "detector.phone request.body$.to[*].phone HASH ingest",
            "detector.card request.body$.cards[*][*] MASK ingest");
  }

  @Test
  void theMemberNameOrTheOneAroundItGivesTheAwsSecretItsContext() {
    RecordedEvent out =
        json(
            "{\"aws_secret_access_key\":\""
                + AWS_SECRET
                + "\",\"creds\":[{\"SecretKey\":\""
                + AWS_SECRET
                + "\"}],\"aws\":{\"key\":\""
                + AWS_SECRET
                + "\"},\"description\":\""
                + AWS_SECRET
                + "\"}");
    assertThat(requestBody(out))
        .isEqualTo(
            "{\"aws_secret_access_key\":\"[REDACTED]\",\"creds\":[{\"SecretKey\":\"[REDACTED]\"}],"
                + "\"aws\":{\"key\":\"[REDACTED]\"},\"description\":\""
                + AWS_SECRET
                + "\"}");
    assertThat(notes(out))
        .containsExactly(
            "detector.aws-secret request.body$.aws_secret_access_key REPLACE ingest",
            "detector.aws-secret request.body$.creds[*].SecretKey REPLACE ingest",
            "detector.aws-secret request.body$.aws.key REPLACE ingest");
  }

  @Test
  void escapesCannotHideASecretAndAreKeptElsewhere() {
    RecordedEvent out =
        json(
            "{\"note\":\"say \\\"hi\\\" to jane\\u0040example.com\",\"card\":\"\\u0034111111111111111\","
                + "\"ok\":\"a\\tb \\\\ \\/\",\"k\\u0065y\":\"x\"}");
    assertThat(requestBody(out))
        .matches(
            "\\{\"note\":\"say \\\\\"hi\\\\\" to hmac:[0-9a-f]{16}\",\"card\":\"\\*{12}1111\","
                + "\"ok\":\"a\\\\tb \\\\\\\\ \\\\/\",\"k\\\\u0065y\":\"x\"}");
    assertThat(notes(out))
        .containsExactly(
            "detector.email request.body$.note HASH ingest",
            "detector.card request.body$.card MASK ingest");
  }

  @Test
  void cardNumbersAsJsonNumbersBecomeMaskedStrings() {
    RecordedEvent out =
        json(
            "[4111111111111111, -4111111111111111, 4111111111111112, 1732780530123456,"
                + " 4111111111111111.5, 12]");
    assertThat(requestBody(out))
        .isEqualTo(
            "[\"************1111\", \"-************1111\", 4111111111111112, 1732780530123456,"
                + " 4111111111111111.5, 12]");
    assertThat(notes(out)).containsExactly("detector.card request.body$[*] MASK ingest");
  }

  @Test
  void aBodyThatIsNotJsonIsScannedAsText() {
    RecordedEvent text = json("not json: jane@example.com");
    assertThat(requestBody(text)).startsWith("not json: hmac:");
    assertThat(notes(text)).containsExactly("detector.email request.body HASH ingest");
  }

  @Test
  void everyDocumentOfABodyWithSeveralGetsThePathRulesAndTheDetectors() {
    RecordedEvent lines =
        json(
            "{\"a\":\"x\"}\n{\"b\":\"ssn 123-45-6789\",\"cvv\":\"321\"}\n[\"jane\\u0040example.com\"]\n");
    assertThat(requestBody(lines))
        .doesNotContain("123-45-6789", "321", "jane")
        .startsWith("{\"a\":\"x\"}\n{\"b\":\"ssn hmac:");
    assertThat(notes(lines))
        .containsExactly(
            "detector.ssn request.body$.b HASH ingest",
            "sensitive-json request.body$.cvv REPLACE ingest",
            "detector.email request.body$[*] HASH ingest");

    // A value after the document does not switch the path rules off.
    for (String tail : List.of(" 1", " true", "{}", "[]", "\"x\"")) {
      RecordedEvent out = json("{\"cvv\":\"PW1\",\"apiKey\":\"k-1\"}" + tail);
      assertThat(requestBody(out)).as(tail).doesNotContain("PW1", "k-1");
    }
  }

  @Test
  void aByteOrderMarkBeforeTheDocumentDoesNotTurnThePathRulesOff() {
    RecordedEvent out = json("\uFEFF{\"cvv\":\"321\",\"note\":\"jane@example.com\"}");
    assertThat(requestBody(out)).startsWith("\uFEFF{").doesNotContain("321", "jane@");
    RecordedEvent clean =
        http("orders", "/", List.of(), "application/json", "\uFEFF{\"id\":\"o-1\"}");
    assertThat(R.redact(clean)).isSameAs(clean);
  }

  @Test
  void anAwsSecretUnderAnAwsNameIsFoundBesideOtherText() {
    RecordedEvent out =
        json(
            "{\"aws_secret_access_key\":\""
                + AWS_SECRET
                + " (rotated)\",\"aws\":{\"credentials\":\"AKIAIOSFODNN7EXAMPLE:"
                + AWS_SECRET
                + "\"}}");
    assertThat(requestBody(out))
        .doesNotContain(AWS_SECRET, "AKIAIOSFODNN7EXAMPLE")
        .contains("(rotated)");
  }

  @Test
  void aCleanBodyIsReturnedAsIs() {
    RecordedEvent in =
        http(
            "orders",
            "/",
            List.of(),
            "application/json",
            "{\"id\":\"o-1\",\"n\":[1,2.5e3,-0.1,true,false,null],\"s\":\"\\u00e9t\\u00e9\"}");
    assertThat(R.redact(in)).isSameAs(in);
  }

  @Test
  void deeplyNestedDocumentsAreRedactedAndLeaveNothingBehind() {
    String deep = "[".repeat(300) + "\"jane@example.com\"" + "]".repeat(300);
    assertThat(requestBody(json(deep))).startsWith("[[[").contains("hmac:").doesNotContain("jane");
    RecordedEvent next = json("{\"a\":[{\"b\":\"ssn 123-45-6789\"}]}");
    assertThat(notes(next)).containsExactly("detector.ssn request.body$.a[*].b HASH ingest");
  }
}
