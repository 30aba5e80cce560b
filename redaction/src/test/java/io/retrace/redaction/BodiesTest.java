package io.retrace.redaction;

import static io.retrace.redaction.Fixtures.exchange;
import static io.retrace.redaction.Fixtures.http;
import static io.retrace.redaction.Fixtures.notes;
import static io.retrace.redaction.Fixtures.requestBody;
import static org.assertj.core.api.Assertions.assertThat;

import io.retrace.schemas.event.RecordedEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

class BodiesTest {
  private static final Redactor R =
      Redactor.create(RedactionPolicy.defaults(), Fixtures.KEY, "ingest");

  @Test
  void detectorsRunOverJsonStringsAndLongNumbers() {
    RecordedEvent out =
        R.redact(
            http(
                "orders",
                "/",
                List.of(),
                "application/json",
                "{\"card\":4111111111111111,\"note\":\"mail jane@example.com\",\"n\":12}"));
    assertThat(requestBody(out))
        .startsWith("{\"card\":\"************1111\",\"note\":\"mail hmac:")
        .endsWith("\",\"n\":12}");
    assertThat(notes(out))
        .containsExactly(
            "detector.card request.body$.card MASK ingest",
            "detector.email request.body$.note HASH ingest");
  }

  @Test
  void escapedTextInJsonIsDecodedBeforeTheDetectorsRun() {
    RecordedEvent out =
        R.redact(
            http(
                "orders",
                "/",
                List.of(),
                "application/json",
                "{\"to\":[\"jane\\u0040example.com\"],\"url\":\"https:\\/\\/u:pw1@h.io\"}"));
    assertThat(requestBody(out)).doesNotContain("jane", "pw1").contains("\"to\":[\"hmac:");
    assertThat(notes(out))
        .containsExactly(
            "detector.email request.body$.to[*] HASH ingest",
            "detector.url-password request.body$.url REPLACE ingest");
  }

  @Test
  void aJsonBodyCutByTheAgentKeepsItsRedactedPrefix() {
    RecordedEvent out =
        R.redact(
            http(
                "orders",
                "/",
                List.of(),
                "application/json",
                "{\"a\":\"ok\",\"password\":\"hunter2\",\"b\":\"jane@exa"));
    assertThat(requestBody(out))
        .startsWith("{\"a\":\"ok\",\"password\":\"[REDACTED]\"")
        .doesNotContain("hunter2", "jane");
    assertThat(notes(out)).contains("invalid-json request.body TRUNCATE ingest");
  }

  @Test
  void textBodiesAreScanned() {
    RecordedEvent out =
        R.redact(
            http(
                "orders",
                "/",
                List.of(),
                "text/plain; charset=utf-8",
                "ssn 123-45-6789, key AKIAIOSFODNN7EXAMPLE"));
    assertThat(requestBody(out)).startsWith("ssn hmac:").endsWith(", key [REDACTED]");
  }

  @Test
  void unknownBinaryBodiesAreDroppedUnlessAllowed() {
    RecordedEvent octets = http("orders", "/", List.of(), null, null);
    exchange(octets).setRequestBody(Fixtures.body("application/octet-stream", "plain".getBytes()));
    RecordedEvent out = R.redact(octets);
    assertThat(exchange(out).getRequestBody()).isNull();
    assertThat(notes(out)).containsExactly("binary-body request.body DROP ingest");

    RecordedEvent invalidUtf8 = http("orders", "/", List.of(), null, null);
    exchange(invalidUtf8)
        .setRequestBody(Fixtures.body("text/plain", new byte[] {'a', (byte) 0xC3, '(', 'b'}));
    assertThat(exchange(R.redact(invalidUtf8)).getRequestBody()).isNull();

    Redactor allowing =
        Fixtures.redactor("version: 1\ndefaults:\n  allow:\n    contentTypes: [application/*]\n");
    assertThat(allowing.redact(octets)).isSameAs(octets);
  }
}
