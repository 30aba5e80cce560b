package io.retrace.redaction;

import io.retrace.schemas.event.Body;
import io.retrace.schemas.event.EventKind;
import io.retrace.schemas.event.Header;
import io.retrace.schemas.event.HttpExchange;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.event.RedactionNote;
import io.retrace.testkit.EventBuilder;
import io.retrace.testkit.Events;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Shared helpers for the redaction tests: a key, HTTP events, reading bodies and notes back. */
final class Fixtures {
  static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);

  private Fixtures() {}

  static Redactor redactor(String yaml) {
    return Redactor.create(RedactionPolicy.parse(yaml, "test.yaml"), KEY, "ingest");
  }

  static RecordedEvent http(
      String service, String url, List<Header> headers, String contentType, String body) {
    HttpExchange h = EventBuilder.exchange("POST", url, 200);
    h.setRequestHeaders(headers);
    if (body != null) {
      h.setRequestBody(body(contentType, body.getBytes(StandardCharsets.UTF_8)));
    }
    return Events.event().service(service).of(EventKind.HTTP_SERVER, h);
  }

  static Body body(String contentType, byte[] bytes) {
    return Body.newBuilder()
        .setBytes(ByteBuffer.wrap(bytes))
        .setContentType(contentType)
        .setOriginalSize(bytes.length)
        .build();
  }

  static HttpExchange exchange(RecordedEvent e) {
    return (HttpExchange) e.getPayload();
  }

  static String requestBody(RecordedEvent e) {
    Body b = exchange(e).getRequestBody();
    if (b == null) {
      return null;
    }
    ByteBuffer d = b.getBytes().duplicate();
    byte[] bytes = new byte[d.remaining()];
    d.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  static List<String> headerNames(List<Header> headers) {
    List<String> out = new ArrayList<>();
    headers.forEach(h -> out.add(h.getName()));
    return out;
  }

  /** Notes as {@code rule field ACTION stage}. */
  static List<String> notes(RecordedEvent e) {
    List<String> out = new ArrayList<>();
    for (RedactionNote n : e.getRedactions()) {
      out.add(n.getRule() + " " + n.getField() + " " + n.getAction() + " " + n.getStage());
    }
    return out;
  }
}
