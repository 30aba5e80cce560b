package io.retrace.bench.redaction;

import io.retrace.redaction.RedactionPolicy;
import io.retrace.redaction.Redactor;
import io.retrace.schemas.event.Body;
import io.retrace.schemas.event.Correlation;
import io.retrace.schemas.event.EventKind;
import io.retrace.schemas.event.Header;
import io.retrace.schemas.event.HttpExchange;
import io.retrace.schemas.event.Origin;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.event.ThreadInfo;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Redaction of a typical HTTP server event with the built-in policy, against the cost of copying
 * the same event ({@code RecordedEvent.newBuilder(event).build()}) in the same run. The event has
 * an Authorization header among ordinary ones, a URL with a query string (one token parameter), and
 * a ~1 KB JSON request body with one card number; {@code redactClean} is the same event without any
 * secret, the common case.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx512m"})
public class RedactorBenchmark {
  private RecordedEvent withSecrets;
  private RecordedEvent clean;
  private Redactor redactor;

  @Setup
  public void setUp() {
    redactor =
        Redactor.create(
            RedactionPolicy.defaults(),
            "bench-key-0123456789abcdef012345".getBytes(StandardCharsets.UTF_8),
            "ingest");
    withSecrets = withSecrets();
    clean = clean();
    if (redactor.redact(withSecrets) == withSecrets || redactor.redact(clean) != clean) {
      throw new IllegalStateException("the benchmark events are not what they claim to be");
    }
  }

  @Benchmark
  public RecordedEvent baselineCopy() {
    return RecordedEvent.newBuilder(withSecrets).build();
  }

  @Benchmark
  public RecordedEvent redactWithSecrets() {
    return redactor.redact(withSecrets);
  }

  @Benchmark
  public RecordedEvent redactClean() {
    return redactor.redact(clean);
  }

  /** The typical event: Authorization header, token query parameter, a card in the body. */
  static RecordedEvent withSecrets() {
    return event(
        "https://shop.example.com/api/orders?customer=c-1842&page=2&access_token=tok-91af3e",
        "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl",
        "4111 1111 1111 1111");
  }

  /** The same event without any secret. */
  static RecordedEvent clean() {
    return event(
        "https://shop.example.com/api/orders?customer=c-1842&page=2&sort=created",
        null,
        "tok_1Qx8sT2eZvKYlo2C0aB3cD4e");
  }

  private static RecordedEvent event(String url, String authorization, String paymentToken) {
    StringBuilder json = new StringBuilder();
    json.append("{\"orderId\":\"o-20261128-004211\",\"customerId\":\"c-1842\",")
        .append("\"currency\":\"EUR\",\"channel\":\"web\",\"createdAt\":\"2026-11-28T10:15:30Z\",")
        .append("\"payment\":{\"method\":\"card\",\"number\":\"")
        .append(paymentToken)
        .append("\",\"expiry\":\"12/29\",\"holder\":\"J. Doe\"},\"items\":[");
    for (int i = 0; i < 6; i++) {
      json.append(i == 0 ? "" : ",")
          .append("{\"sku\":\"SKU-")
          .append(1000 + i)
          .append("\",\"name\":\"Item number ")
          .append(i)
          .append(" with a longer description\",\"qty\":")
          .append(i + 1)
          .append(",\"unitPrice\":")
          .append(19.99 + i)
          .append(",\"tags\":[\"home\",\"garden\"]}");
    }
    json.append("],\"shipping\":{\"street\":\"1 Main Street\",\"city\":\"Springfield\",")
        .append("\"zip\":\"12345\",\"country\":\"US\"},\"notes\":\"leave at the door\"}");
    byte[] body = json.toString().getBytes(StandardCharsets.UTF_8);
    List<Header> headers =
        new java.util.ArrayList<>(
            List.of(
                new Header("Host", "shop.example.com"),
                new Header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0"),
                new Header("Accept", "application/json"),
                new Header("Content-Type", "application/json"),
                new Header("X-Request-Id", "5f0c6a3e-8d2b-4c1a-9e57-1b2f3a4c5d6e"),
                new Header(
                    "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")));
    if (authorization != null) {
      headers.add(new Header("Authorization", authorization));
    }
    HttpExchange exchange =
        HttpExchange.newBuilder()
            .setMethod("POST")
            .setUrl(url)
            .setRoute("/api/orders")
            .setRequestHeaders(headers)
            .setRequestBody(
                Body.newBuilder()
                    .setBytes(ByteBuffer.wrap(body))
                    .setContentType("application/json")
                    .setOriginalSize(body.length)
                    .build())
            .setStatus(201)
            .setResponseHeaders(List.of(new Header("Content-Type", "application/json")))
            .setResponseBody(
                Body.newBuilder()
                    .setBytes(
                        ByteBuffer.wrap(
                            "{\"orderId\":\"o-20261128-004211\",\"status\":\"ACCEPTED\"}"
                                .getBytes(StandardCharsets.UTF_8)))
                    .setContentType("application/json")
                    .build())
            .setDurationNanos(3_250_000)
            .build();
    return RecordedEvent.newBuilder()
        .setEventId("7d1f0c8e-2f8a-4b47-9a43-5c1e2d3f4a5b")
        .setRecordingId("rec-bench")
        .setSessionId("session-1")
        .setCorrelation(Correlation.newBuilder().setRequestId("req-1").build())
        .setOrigin(
            Origin.newBuilder().setService("orders").setAgentId("agent-1").setPid(4242).build())
        .setThread(ThreadInfo.newBuilder().setName("http-nio-8080-exec-1").setId(41).build())
        .setSequence(1)
        .setCallId(1)
        .setWallTimeMicros(Instant.parse("2026-11-28T10:15:30.123456Z"))
        .setMonotonicNanos(1_000_000)
        .setKind(EventKind.HTTP_SERVER)
        .setPayload(exchange)
        .setAttributes(Map.of())
        .build();
  }
}
