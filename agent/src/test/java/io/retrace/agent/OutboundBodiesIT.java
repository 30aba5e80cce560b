package io.retrace.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.retrace.schemas.event.Body;
import io.retrace.schemas.event.EventKind;
import io.retrace.schemas.event.Header;
import io.retrace.schemas.event.HttpExchange;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.testkit.AgentProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Request bodies of outbound calls, through {@code HttpClient} (from memory, a stream and a file)
 * and {@code HttpURLConnection}: the bytes the application sent, their content type, and past
 * {@code body.max.bytes} the head of the body flagged as truncated with the full size.
 */
class OutboundBodiesIT {
  private static final String SMALL = "{\"order\":7}";
  private static final String LARGE = "{\"order\":8,\"note\":\"" + "x".repeat(100) + "\"}";

  @TempDir Path dir;

  @Test
  void recordsWhatTheApplicationSent() throws Exception {
    Path out = dir.resolve("events.avro");
    try (AgentProcess app = relay("recording=rec-outbound,body.max.bytes=64,out=" + out)) {
      assertThat(app.post("/relay", "small", SMALL).body())
          .as(app.output())
          .isEqualTo("\"relayed\"");
      assertThat(app.post("/relay", "large", LARGE).body())
          .as(app.output())
          .isEqualTo("\"relayed\"");
      app.stop();
    }
    List<RecordedEvent> events = FileSinkIT.read(out);

    Map<String, HttpExchange> small = outbound(FileSinkIT.session(events, "small"));
    assertThat(small).containsOnlyKeys("client", "stream", "file", "connection");
    for (HttpExchange call : small.values()) {
      assertThat(call.getMethod()).isEqualTo("POST");
      assertBody(call.getRequestBody(), SMALL, false, SMALL.length());
      assertBody(call.getResponseBody(), SMALL, false, SMALL.length());
    }
    // The connection's headers were set before getOutputStream opened it.
    assertThat(small.get("connection").getRequestHeaders())
        .extracting(Header::getName, Header::getValue)
        .contains(tuple("X-Via", "connection"));

    Map<String, HttpExchange> large = outbound(FileSinkIT.session(events, "large"));
    assertThat(large).containsOnlyKeys("client", "stream", "file", "connection");
    for (HttpExchange call : large.values()) {
      Body head = call.getRequestBody();
      // Cut JSON keeps what redaction could read of it before the cut (docs/redaction.md).
      assertThat(LARGE).startsWith(FileSinkIT.text(head.getBytes()));
      assertThat(head.getBytes().remaining()).isBetween(SMALL.length() - 2, 64);
      assertThat(head.getTruncated()).isTrue();
      assertThat(head.getOriginalSize()).isEqualTo(LARGE.length());
    }
  }

  /**
   * A {@code sendAsync} that fails (connection refused) is recorded with the exception the
   * application's future failed with, the cause its {@code join()} gives, not a {@code
   * CompletionException} wrapping it.
   */
  @Test
  void aFailedAsyncCallRecordsTheExceptionTheApplicationsFutureFailedWith() throws Exception {
    Path out = dir.resolve("events.avro");
    String seen;
    try (AgentProcess app = relay("recording=rec-unreachable,out=" + out)) {
      seen = app.post("/unreachable", "refused", "{}").body();
      app.stop();
    }
    assertThat(seen).isEqualTo("\"java.net.ConnectException\"");
    RecordedEvent call =
        FileSinkIT.only(FileSinkIT.session(FileSinkIT.read(out), "refused"), EventKind.HTTP_CLIENT);
    HttpExchange exchange = (HttpExchange) call.getPayload();
    assertThat(exchange.getUrl()).endsWith("/gone");
    assertThat(exchange.getStatus()).isNull();
    assertThat(exchange.getError().getType()).isEqualTo("java.net.ConnectException");
  }

  /** {@link RelayService} with the agent, given its options after {@code service=relay}. */
  private AgentProcess relay(String agentOptions) throws IOException {
    return TestServices.start(dir, "service=relay," + agentOptions, RelayService.class);
  }

  private static Map<String, HttpExchange> outbound(List<RecordedEvent> session) {
    return FileSinkIT.kind(session, EventKind.HTTP_CLIENT).stream()
        .map(e -> (HttpExchange) e.getPayload())
        .collect(
            Collectors.toMap(
                call -> call.getUrl().substring(call.getUrl().indexOf("via=") + 4),
                Function.identity()));
  }

  private static void assertBody(Body body, String bytes, boolean truncated, long size) {
    assertThat(body).as("body").isNotNull();
    assertThat(FileSinkIT.text(body.getBytes())).isEqualTo(bytes);
    assertThat(body.getContentType()).isEqualTo("application/json");
    assertThat(body.getTruncated()).isEqualTo(truncated);
    assertThat(body.getOriginalSize()).isEqualTo(size);
  }
}
