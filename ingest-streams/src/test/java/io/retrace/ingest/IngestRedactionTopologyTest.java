package io.retrace.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.retrace.redaction.RedactionPolicy;
import io.retrace.redaction.Redactor;
import io.retrace.schemas.event.Header;
import io.retrace.schemas.event.HttpExchange;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.testkit.Events;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The topology with the real redaction engine and its built-in policy. */
class IngestRedactionTopologyTest {
  @TempDir Path stateDir;

  @Test
  void eventsAreRedactedBeforeTheyAreWrittenAndStampedWithThePolicy() {
    Redactor redactor =
        Redactor.create(
            RedactionPolicy.defaults(),
            "topology-test-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8),
            "ingest");
    try (IngestDriver ingest = new IngestDriver(stateDir, redactor::redact, Map.of())) {
      RecordedEvent event =
          Events.event().recording("r1").httpServer("GET", "/a?token=s3cr3t", 200);
      HttpExchange http = (HttpExchange) event.getPayload();
      List<Header> headers = new ArrayList<>(http.getRequestHeaders());
      headers.add(new Header("Authorization", "Bearer abc.def.ghi"));
      http.setRequestHeaders(headers);
      ingest.send(event);

      RecordedEvent out = ingest.events().get(0).value;
      HttpExchange redacted = (HttpExchange) out.getPayload();
      assertThat(redacted.getRequestHeaders())
          .extracting(Header::getName)
          .doesNotContain("Authorization");
      assertThat(redacted.getUrl()).doesNotContain("s3cr3t");
      assertThat(out.getRedactionPolicy()).isEqualTo(redactor.policyHash());
      assertThat(out.getRedactions())
          .isNotEmpty()
          .allSatisfy(n -> assertThat(n.getStage()).isEqualTo("ingest"));
    }
  }
}
