package io.retrace.redaction;

import io.retrace.schemas.event.Body;
import io.retrace.schemas.event.Correlation;
import io.retrace.schemas.event.ErrorInfo;
import io.retrace.schemas.event.EventKind;
import io.retrace.schemas.event.Header;
import io.retrace.schemas.event.HttpExchange;
import io.retrace.schemas.event.JdbcCall;
import io.retrace.schemas.event.JdbcOperation;
import io.retrace.schemas.event.JdbcParameter;
import io.retrace.schemas.event.Origin;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.event.ThreadInfo;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generated HTTP and JDBC events with secrets planted among ordinary values: every detector's shape
 * (valid and near misses), in URLs, headers, JSON (nested, escaped, non-ASCII, with a byte order
 * mark, malformed), NDJSON, form and text bodies. The same seed gives the same events in any JVM,
 * so the redacted output of one engine can be compared with another's.
 */
final class DifferentialCorpus {
  private final Random random;

  DifferentialCorpus(long seed) {
    this.random = new Random(seed);
  }

  // Values that must be redacted, and near misses that must not; each in several spellings.
  private static final String[] SECRETS = {
    "jane.doe@example.com",
    "canary.user+tag@mail.example.co.uk",
    "4111 1111 1111 1111",
    "4111111111111111",
    "4111-1111-1111-1111",
    "5500 0000 0000 0004",
    "378282246310005",
    "4111111111111112",
    "536-22-1234",
    "078-05-1120",
    "666-12-3456",
    "DE89 3704 0044 0532 0130 00",
    "DE89370400440532013000",
    "GB82WEST12345698765432",
    "GB82 WEST 1234 5698 7654 33",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl",
    "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
    "AKIAIOSFODNN7EXAMPLE",
    "ASIAY34FZKBOKMUTVV7A",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "secret: \"Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdo\"",
    "Bearer abcdEFGH1234.xyz",
    "bearer eyJhbGciOiJIUzI1NiJ9",
    "password=hunter2secret",
    "Password: 'p@ss w0rd'",
    "pwd=abc;user=x",
    "postgres://app:CanaryUrlPass@db.example.com:5432/x",
    "https://user:pw@host.example/path",
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAcanary\n-----END RSA PRIVATE KEY-----",
    "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg",
    "+44 20 7946 0958",
    "(415) 555-2671",
    "415-555-2671",
    "020 7946 0958",
    "+1 415 555 2671",
    "icon@2x.png",
    "ORD-4111111111111111",
    "v1.4111111111111111",
    "2026-11-28T10:15:30Z",
    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    "5f0c6a3e-8d2b-4c1a-9e57-1b2f3a4c5d6e",
  };

  private static final String[] WORDS = {
    "order",
    "web",
    "card",
    "Item number",
    "with a longer description",
    "EUR",
    "J. Doe",
    "SKU-1004",
    "12/29",
    "leave at the door",
    "Springfield",
    "secret",
    "aws",
    "Bearer",
    "passwd",
    "pass",
    "AKIA",
    "eyJ",
    "://",
    "@",
    "-----BEGIN",
    "(",
    "+",
    "19.99",
    "12345",
    "1 Main Street",
    "Ünïcødé",
    "日本語",
    "😀",
    "café",
    "naïve@exämple.com",
    "Ω",
    "\u00a0",
    "tab\there",
    "line\nbreak",
    "quote\"inside",
    "back\\slash",
    "",
    "a",
    "ab",
    "abc",
  };

  private static final String[] KEYS = {
    "orderId",
    "email",
    "note",
    "description",
    "number",
    "aws",
    "secretAccessKey",
    "awsKey",
    "token",
    "password",
    "pin",
    "apiKey",
    "items",
    "payment",
    "customer",
    "phone",
    "iban",
    "key",
    "név",
    "a\\\"b",
    "pass\\u0077ord",
    "x\\u0041",
    "",
  };

  List<RecordedEvent> events(int count) {
    List<RecordedEvent> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(random.nextInt(10) == 0 ? jdbc(i) : http(i));
    }
    return out;
  }

  /**
   * HTTP events whose headers, query values, JSON string values and text bodies are hex ids (trace
   * ids, UUIDs, digests) and their near misses: lower- and upper-case hex, single and double
   * dashes, leading digit runs of every length, and cards, SSNs, phones, AWS key ids, IBANs and
   * secret-shaped runs glued into them or standing alone between dashes. Numbered from {@code
   * first}.
   */
  List<RecordedEvent> hexIdEvents(int count, int first) {
    List<RecordedEvent> out = new ArrayList<>(count);
    for (int i = first; i < first + count; i++) {
      List<Header> headers = new ArrayList<>();
      for (String name : new String[] {"X-Request-Id", "traceparent", "X-Aws-Secret", "X-Trace"}) {
        headers.add(new Header(name, hexId()));
      }
      StringBuilder json = new StringBuilder("{");
      String[] keys = {"id", "traceId", "secret", "awsKey", "digest"};
      for (int k = 0; k < keys.length; k++) {
        json.append(k == 0 ? "" : ",").append('"').append(keys[k]).append("\":\"");
        json.append(hexId()).append('"');
      }
      json.append('}');
      boolean text = random.nextInt(4) == 0;
      String body = text ? hexId() + " " + hexId() : json.toString();
      HttpExchange exchange =
          HttpExchange.newBuilder()
              .setMethod("GET")
              .setUrl("https://api.example.com/x/" + hexId() + "?id=" + hexId())
              .setRoute("/x")
              .setRequestHeaders(headers)
              .setRequestBody(
                  body(
                      text ? "text/plain" : "application/json",
                      body.getBytes(StandardCharsets.UTF_8)))
              .setStatus(200)
              .setResponseHeaders(List.of())
              .setDurationNanos(1000)
              .build();
      out.add(event(i, EventKind.HTTP_SERVER, exchange));
    }
    return out;
  }

  private static final String[] HEX_PLANTS = {
    "4111111111111111",
    "4111-1111-1111-1111",
    "5500000000000004",
    "536-22-1234",
    "415-555-2671",
    "020-7946-0958",
    "0-2-0-7-9-4-6-0-9-5-8",
    "ACCA0123456789ABCDEF",
    "AKIAIOSFODNN7EXAMPLE",
    "DE89370400440532013000",
    "BE68539007547034",
    "aBcDeF0123456789aBcDeF0123456789aBcDeF01",
    "abcdef0123456789abcdef0123456789abcdef01",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl",
    "1234567",
    "12345678",
    "123456789012",
  };

  /** A hex id, or one with a planted number, key or near miss in it. */
  private String hexId() {
    StringBuilder sb = new StringBuilder();
    int parts = 1 + random.nextInt(6);
    for (int p = 0; p < parts; p++) {
      if (p > 0) {
        sb.append(pick("-", "-", "-", "--", "", "---"));
      }
      int k = random.nextInt(8);
      if (k < 4) {
        sb.append(hexRun(1 + random.nextInt(16), false));
      } else if (k == 4) {
        sb.append(hexRun(1 + random.nextInt(16), true));
      } else if (k == 5) {
        sb.append("0123456789".substring(0, 1 + random.nextInt(10)));
      } else {
        sb.append(pick(HEX_PLANTS));
      }
    }
    if (random.nextInt(8) == 0) {
      sb.insert(0, pick("-", "--", "0", "00-", "1234567-", "12345678-", "g", "A"));
    }
    return sb.toString();
  }

  private String hexRun(int length, boolean upper) {
    String digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(digits.charAt(random.nextInt(16)));
    }
    return sb.toString();
  }

  private RecordedEvent http(int i) {
    List<Header> headers = new ArrayList<>();
    int headerCount = random.nextInt(8);
    String[] names = {
      "Host",
      "User-Agent",
      "X-Request-Id",
      "traceparent",
      "Authorization",
      "Cookie",
      "X-Debug",
      "X-Forwarded-Token",
      "Accept",
      "X-Aws-Secret",
      "X-Note"
    };
    for (int h = 0; h < headerCount; h++) {
      headers.add(new Header(names[random.nextInt(names.length)], text(1 + random.nextInt(4))));
    }
    String[] types = {
      "application/json",
      "application/json; charset=utf-8",
      "application/vnd.api+json",
      null,
      "application/x-www-form-urlencoded",
      "text/plain",
      "application/x-ndjson",
      "application/octet-stream"
    };
    String type = types[random.nextInt(types.length)];
    byte[] body = body(type);
    HttpExchange exchange =
        HttpExchange.newBuilder()
            .setMethod("POST")
            .setUrl(url())
            .setRoute("/api/x")
            .setRequestHeaders(headers)
            .setRequestBody(body == null ? null : body(type, body))
            .setStatus(200)
            .setResponseHeaders(List.of(new Header("Content-Type", "application/json")))
            .setResponseBody(body("application/json", json(2).getBytes(StandardCharsets.UTF_8)))
            .setDurationNanos(1000)
            .setError(
                random.nextInt(8) == 0 ? new ErrorInfo("java.io.IOException", text(3), null) : null)
            .build();
    return event(i, EventKind.HTTP_SERVER, exchange);
  }

  private RecordedEvent jdbc(int i) {
    List<JdbcParameter> params = new ArrayList<>();
    for (int p = 0; p < 3; p++) {
      params.add(
          JdbcParameter.newBuilder()
              .setIndex(p + 1)
              .setName(p == 2 ? "password" : null)
              .setValue(text(1))
              .build());
    }
    JdbcCall call =
        JdbcCall.newBuilder()
            .setOperation(JdbcOperation.UPDATE)
            .setSql("update t set note = '" + text(2) + "' where id = ?")
            .setDatabaseUrl("jdbc:postgresql://db/x?" + text(1))
            .setParameters(params)
            .setDurationNanos(1000)
            .build();
    return event(i, EventKind.JDBC, call);
  }

  private static RecordedEvent event(int i, EventKind kind, Object payload) {
    return RecordedEvent.newBuilder()
        .setEventId("event-" + i)
        .setRecordingId("rec-diff")
        .setSessionId("session-" + (i % 7))
        .setCorrelation(Correlation.newBuilder().setRequestId("req-" + i).build())
        .setOrigin(Origin.newBuilder().setService("orders").setAgentId("a").setPid(1).build())
        .setThread(ThreadInfo.newBuilder().setName("t").setId(1).build())
        .setSequence(i)
        .setCallId(i)
        .setWallTimeMicros(Instant.parse("2026-11-28T10:15:30Z"))
        .setMonotonicNanos(i)
        .setKind(kind)
        .setPayload(payload)
        .setAttributes(Map.of())
        .build();
  }

  private static Body body(String type, byte[] bytes) {
    return Body.newBuilder()
        .setBytes(ByteBuffer.wrap(bytes))
        .setContentType(type)
        .setOriginalSize(bytes.length)
        .build();
  }

  private String url() {
    StringBuilder u = new StringBuilder(pick("https://shop.example.com", "http://svc:pw1@api.x"));
    u.append("/api/").append(pick("orders", "users/jane.doe@example.com", "x/4111111111111111"));
    if (random.nextInt(4) != 0) {
      u.append('?');
      int params = 1 + random.nextInt(4);
      for (int p = 0; p < params; p++) {
        u.append(p == 0 ? "" : "&")
            .append(pick("page", "access_token", "q", "email", "sort", "token", "note"))
            .append('=')
            .append(
                pick(
                    "2",
                    "tok-91af3e",
                    "jane.doe%40example.com",
                    "4111+1111+1111+1111",
                    "created",
                    "a%2",
                    "Bearer%20abcdefgh12345"));
      }
    }
    if (random.nextInt(6) == 0) {
      u.append('#').append(pick("top", "jane@example.com"));
    }
    return u.toString();
  }

  private byte[] body(String type) {
    if (type == null) {
      return random.nextBoolean()
          ? document().getBytes(StandardCharsets.UTF_8)
          : text(5).getBytes(StandardCharsets.UTF_8);
    }
    return switch (type) {
      case "application/x-www-form-urlencoded" -> form().getBytes(StandardCharsets.UTF_8);
      case "text/plain" -> text(8).getBytes(StandardCharsets.UTF_8);
      case "application/x-ndjson" ->
          (json(2) + "\n" + json(2) + "\n").getBytes(StandardCharsets.UTF_8);
      case "application/octet-stream" ->
          random.nextBoolean() ? new byte[] {1, 2, 3, 0, (byte) 0xff} : null;
      default -> document().getBytes(StandardCharsets.UTF_8);
    };
  }

  /** A JSON document, now and then with a byte order mark, escapes, or broken. */
  private String document() {
    String doc = json(1 + random.nextInt(4));
    int twist = random.nextInt(20);
    if (twist == 0) {
      return "\uFEFF" + doc;
    }
    if (twist == 1) {
      return doc.substring(0, doc.length() / 2);
    }
    if (twist == 2) {
      return "  \n" + doc + " \t";
    }
    return doc;
  }

  private String json(int depth) {
    StringBuilder sb = new StringBuilder();
    value(sb, depth, true);
    return sb.toString();
  }

  private void value(StringBuilder sb, int depth, boolean container) {
    int kind = container ? 7 + random.nextInt(2) : random.nextInt(depth > 0 ? 9 : 7);
    switch (kind) {
      case 0, 1, 2 -> string(sb, text(1 + random.nextInt(3)), false);
      case 3 ->
          sb.append(
              pick(
                  "4111111111111111",
                  "4111111111111112",
                  "123",
                  "-5",
                  "19.99",
                  "1e10",
                  "5500000000000004",
                  "0",
                  "12345678901234567890"));
      case 4 -> sb.append(pick("true", "false", "null"));
      case 5 -> string(sb, pick(SECRETS), false);
      case 6 -> string(sb, pick(SECRETS) + pick(WORDS), true);
      case 7 -> {
        sb.append('{');
        int members = random.nextInt(5);
        for (int m = 0; m < members; m++) {
          sb.append(m == 0 ? "" : ",").append(pick("", " ", "\n  "));
          sb.append('"').append(pick(KEYS)).append("\":").append(pick("", " "));
          value(sb, depth - 1, false);
        }
        sb.append('}');
      }
      case 8 -> {
        sb.append('[');
        int items = random.nextInt(4);
        for (int m = 0; m < items; m++) {
          sb.append(m == 0 ? "" : ", ");
          value(sb, depth - 1, false);
        }
        sb.append(']');
      }
      default -> throw new IllegalStateException("no kind " + kind);
    }
  }

  /**
   * {@code s} as a JSON string; with {@code unicodeEscapes}, every {@code @} and some other
   * characters written as {@code \\uXXXX}, which must not hide a secret.
   */
  private void string(StringBuilder sb, String s, boolean unicodeEscapes) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (unicodeEscapes && (c == '@' || random.nextInt(5) == 0)) {
        sb.append(String.format("\\u%04x", (int) c));
      } else if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c == '\n') {
        sb.append("\\n");
      } else if (c < 0x20) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    sb.append('"');
  }

  private String form() {
    StringBuilder sb = new StringBuilder();
    int pairs = 1 + random.nextInt(4);
    for (int p = 0; p < pairs; p++) {
      sb.append(p == 0 ? "" : "&")
          .append(pick("user", "password", "note", "email", "card", "x"))
          .append('=')
          .append(
              pick(
                  "jane",
                  "hunter2",
                  "jane.doe%40example.com",
                  "4111+1111+1111+1111",
                  "caf%C3%A9",
                  "%ZZ",
                  "536-22-1234"));
    }
    return sb.toString();
  }

  /** Free text: {@code parts} words, secrets and numbers joined by assorted separators. */
  private String text(int parts) {
    StringBuilder sb = new StringBuilder();
    for (int p = 0; p < parts; p++) {
      if (p > 0) {
        sb.append(pick(" ", " ", ", ", "; ", "-", "/", ":", "=", "\t", "  ", ".", "_"));
      }
      int k = random.nextInt(10);
      if (k < 4) {
        sb.append(pick(WORDS));
      } else if (k < 7) {
        sb.append(pick(SECRETS));
      } else if (k < 9) {
        sb.append(random.nextInt(1_000_000));
      } else {
        sb.append(Long.toHexString(random.nextLong()));
      }
    }
    return sb.toString();
  }

  private String pick(String... options) {
    return options[random.nextInt(options.length)];
  }
}
