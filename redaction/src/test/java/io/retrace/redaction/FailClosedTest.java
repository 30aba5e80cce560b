package io.retrace.redaction;

import static io.retrace.redaction.Fixtures.exchange;
import static io.retrace.redaction.Fixtures.headerNames;
import static io.retrace.redaction.Fixtures.http;
import static io.retrace.redaction.Fixtures.notes;
import static io.retrace.redaction.Fixtures.requestBody;
import static org.assertj.core.api.Assertions.assertThat;

import io.retrace.schemas.event.Header;
import io.retrace.schemas.event.JdbcCall;
import io.retrace.schemas.event.MethodCall;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.event.ValueRead;
import io.retrace.schemas.event.ValueSource;
import io.retrace.testkit.Events;
import java.util.List;
import org.junit.jupiter.api.Test;

class FailClosedTest {
  private static final Redactor R =
      Fixtures.redactor(
          """
          version: 1
          defaults:
            failClosed: true
            allow:
              headers: [Accept, Content-*]
              query: [page]
              json: [$.orderId, '$.items[*].sku', $.shipping]
              form: [user]
              columns: [id]
              jdbcParams: [1]
              env: [TZ]
              args: ['$[0]']
              contentTypes: [image/png]
          """);

  @Test
  void onlyAllowedHeadersAndQueryParametersPass() {
    RecordedEvent out =
        R.redact(
            http(
                "orders",
                "/o?page=2&q=jane",
                List.of(new Header("Accept", "*/*"), new Header("X-User", "jane")),
                null,
                null));
    assertThat(headerNames(exchange(out).getRequestHeaders())).containsExactly("Accept");
    assertThat(exchange(out).getUrl()).isEqualTo("/o?page=2");
    assertThat(notes(out))
        .contains(
            "fail-closed request.header.X-User DROP ingest",
            "fail-closed request.query.q DROP ingest");
  }

  @Test
  void onlyAllowedJsonPathsPassAndDetectorsStillRunInsideThem() {
    String body =
        "{\"orderId\":\"o-1\",\"customer\":{\"name\":\"Jane\"},"
            + "\"items\":[{\"sku\":\"A\",\"price\":3}],"
            + "\"shipping\":{\"street\":\"1 Main\",\"phone\":\"+1 415 555 2671\"}}";
    RecordedEvent out = R.redact(http("orders", "/", List.of(), "application/json", body));
    assertThat(requestBody(out))
        .startsWith("{\"orderId\":\"o-1\",\"items\":[{\"sku\":\"A\"}],")
        .contains("\"street\":\"1 Main\"", "\"phone\":\"hmac:")
        .doesNotContain("Jane", "price", "415");
    assertThat(notes(out))
        .contains(
            "fail-closed request.body$.customer DROP ingest",
            "fail-closed request.body$.items[*].price DROP ingest",
            "detector.phone request.body$.shipping.phone HASH ingest");
  }

  @Test
  void formFieldsTextAndBinaryBodies() {
    assertThat(
            requestBody(
                R.redact(
                    http(
                        "orders",
                        "/",
                        List.of(),
                        "application/x-www-form-urlencoded",
                        "user=jane&note=x"))))
        .isEqualTo("user=jane");
    assertThat(requestBody(R.redact(http("orders", "/", List.of(), "text/plain", "hello"))))
        .isNull();
    RecordedEvent png = http("orders", "/", List.of(), "image/png", null);
    exchange(png).setRequestBody(Fixtures.body("image/png", new byte[] {(byte) 0x89, 'P', 0, 1}));
    assertThat(exchange(R.redact(png)).getRequestBody())
        .as("an allowed binary content type passes")
        .isNotNull();
  }

  @Test
  void jdbcColumnsAndParametersEnvironmentAndMethodArguments() {
    RecordedEvent q =
        R.redact(
            Events.event()
                .jdbcQuery(
                    "select id, name from users",
                    List.of("id", "name"),
                    List.of(List.of("1", "Jane"))));
    assertThat(((JdbcCall) q.getPayload()).getResultSet().getRows().get(0))
        .containsExactly("1", null);

    RecordedEvent u =
        R.redact(Events.event().jdbcUpdate("update t set a=? where b=?", List.of("x", "y"), 1));
    assertThat(((JdbcCall) u.getPayload()).getParameters().get(0).getValue()).isEqualTo("x");
    assertThat(((JdbcCall) u.getPayload()).getParameters().get(1).getValue()).isNull();

    RecordedEvent env = Events.event().value(ValueSource.ENVIRONMENT, "System#getenv", "/home");
    ((ValueRead) env.getPayload()).setKey("HOME");
    assertThat(((ValueRead) R.redact(env).getPayload()).getValue()).isNull();

    RecordedEvent m =
        R.redact(Events.event().methodCall("A", "b", "[\"keep\",\"drop\"]", "{\"x\":1}"));
    assertThat(((MethodCall) m.getPayload()).getArgumentsJson()).isEqualTo("[\"keep\"]");
    assertThat(((MethodCall) m.getPayload()).getReturnJson()).isNull();
  }
}
