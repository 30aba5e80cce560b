package io.retrace.redaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.retrace.schemas.event.RecordedEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/**
 * The engine redacts thousands of generated events ({@link DifferentialCorpus}) exactly as the
 * engine of commit 67cb69e did: same output bytes, same notes, and the input itself returned when
 * nothing changed. The reference is one digest per event and policy in {@code
 * differential-67cb69e.txt}, written by that engine: run this test with {@code
 * -Dredaction.differential.write=FILE} on a build of it to write the file again.
 */
class RedactionDifferentialTest {
  private static final long SEED = 20261129L;
  private static final int EVENTS = 6000;
  private static final int HEX_ID_EVENTS = 2000;
  private static final String REFERENCE = "differential-67cb69e.txt";

  /** Policies that take each path: the defaults, other detector actions, fail-closed. */
  private static final List<Redactor> REDACTORS =
      List.of(
          Redactor.create(RedactionPolicy.defaults(), Fixtures.KEY, "ingest"),
          Fixtures.redactor(
              """
              version: diff-actions
              defaults:
                detectors:
                  email: hash
                  card: drop
                  phone: off
                  jwt: {action: truncate, keep: 6}
                  iban: {action: replace, with: "[IBAN]"}
              """),
          Fixtures.redactor(
              """
              version: diff-fail-closed
              defaults:
                failClosed: true
                allow:
                  headers: [Host, X-Request-Id, X-Debug]
                  query: [page, q, note]
                  json: [$.orderId, $.note, "$.items[*]", $.description, $.email]
                  contentTypes: [text/plain]
              """));

  @Test
  void everyEventIsRedactedAsTheReferenceEngineDid() throws Exception {
    List<RecordedEvent> events = new ArrayList<>(new DifferentialCorpus(SEED).events(EVENTS));
    events.addAll(new DifferentialCorpus(SEED + 1).hexIdEvents(HEX_ID_EVENTS, EVENTS));
    List<String> lines = new ArrayList<>();
    int changed = 0;
    for (int p = 0; p < REDACTORS.size(); p++) {
      for (int i = 0; i < events.size(); i++) {
        RecordedEvent in = events.get(i);
        RecordedEvent out = REDACTORS.get(p).redact(in);
        changed += out == in ? 0 : 1;
        lines.add(i + " " + p + " " + (out == in ? "same" : digest(out)));
      }
    }
    String write = System.getProperty("redaction.differential.write");
    if (write != null) {
      Files.write(Path.of(write), lines);
      return;
    }
    List<String> reference = reference();
    assertThat(reference).hasSize(lines.size());
    List<String> differences = new ArrayList<>();
    for (int k = 0; k < lines.size(); k++) {
      if (!lines.get(k).equals(reference.get(k))) {
        differences.add(lines.get(k) + " (reference: " + reference.get(k) + ")");
      }
    }
    assertThat(differences).as("events redacted differently from the reference").isEmpty();
    // The corpus plants secrets in most events: a generator that planted none proves nothing.
    assertThat(changed).isGreaterThan((EVENTS + HEX_ID_EVENTS) * REDACTORS.size() / 2);
  }

  private static List<String> reference() throws IOException {
    try (InputStream in = RedactionDifferentialTest.class.getResourceAsStream(REFERENCE)) {
      assertThat(in).as(REFERENCE).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }

  private static String digest(RecordedEvent event) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
    new SpecificDatumWriter<>(RecordedEvent.class).write(event, encoder);
    encoder.flush();
    byte[] sha = MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray());
    return HexFormat.of().formatHex(sha, 0, 12);
  }
}
