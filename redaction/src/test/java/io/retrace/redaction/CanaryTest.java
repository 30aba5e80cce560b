package io.retrace.redaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.retrace.schemas.event.ErrorInfo;
import io.retrace.schemas.event.Header;
import io.retrace.schemas.event.HttpExchange;
import io.retrace.schemas.event.JdbcCall;
import io.retrace.schemas.event.JdbcParameter;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.event.ValueRead;
import io.retrace.schemas.event.ValueSource;
import io.retrace.testkit.EventBuilder;
import io.retrace.testkit.Events;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/**
 * Known secrets planted everywhere an event can carry them; after redaction with the built-in
 * policy, the Avro bytes of the events hold none of them.
 */
class CanaryTest {
  private static final String CARD = "4111 1111 1111 1111";
  private static final String AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  private static final String JWT =
      "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.c2lnbmF0dXJlLWNhbmFyeS0xMjM0NTY";
  private static final List<String> CANARIES =
      List.of(
          "CanaryAuthTok3n",
          "CanaryCookie77",
          "canary.user@example.com",
          "CanaryQueryTok",
          "CanaryUrlPass",
          CARD,
          "4111111111111111",
          "CanaryBodyPw",
          "536-22-1234",
          "DE89 3704 0044 0532 0130 00",
          JWT,
          "AKIAIOSFODNN7EXAMPLE",
          AWS_SECRET,
          "CanaryFormPw",
          "canary.param@example.org",
          "+44 20 7946 0958",
          "CanaryHash$2b$10",
          "CanaryArgPw",
          "CanaryEnvPw",
          "CanaryConnPw",
          "MIIEowIBAAKCAQEAcanary");

  @Test
  void noCanaryReachesTheSerializedEvent() throws Exception {
    Redactor r = Redactor.create(RedactionPolicy.defaults(), Fixtures.KEY, "ingest");
    List<RecordedEvent> corpus = corpus();
    String before = serialized(corpus);
    for (String canary : CANARIES) {
      assertThat(before).as("the corpus plants %s", canary).contains(canary);
    }
    List<RecordedEvent> redacted = new ArrayList<>();
    for (RecordedEvent e : corpus) {
      RecordedEvent out = r.redact(e);
      assertThat(out.getRedactions()).as("event %s was redacted", e.getKind()).isNotEmpty();
      redacted.add(out);
    }
    String after = serialized(redacted);
    for (String canary : CANARIES) {
      assertThat(after).as("canary %s", canary).doesNotContain(canary);
    }
    assertThat(serialized(corpus)).as("the input events are untouched").isEqualTo(before);
  }

  private static List<RecordedEvent> corpus() {
    EventBuilder b = Events.event().service("orders");
    List<RecordedEvent> out = new ArrayList<>();

    HttpExchange h =
        EventBuilder.exchange(
            "POST",
            "https://svc:CanaryUrlPass@api.example.com/pay?access_token=CanaryQueryTok&page=1"
                + "&contact=canary.user%40example.com",
            500);
    h.setRequestHeaders(
        List.of(
            new Header("Authorization", "Bearer CanaryAuthTok3n"),
            new Header("Cookie", "sid=CanaryCookie77"),
            new Header("X-Debug", "user canary.user@example.com"),
            new Header("X-Forwarded-Token", "Bearer " + JWT)));
    h.setRequestBody(
        EventBuilder.json(
            "{\"card\":{\"number\":\""
                + CARD
                + "\",\"raw\":4111111111111111},\"password\":\"CanaryBodyPw\","
                + "\"ssn\":\"536-22-1234\",\"iban\":\"DE89 3704 0044 0532 0130 00\","
                + "\"aws\":{\"accessKeyId\":\"AKIAIOSFODNN7EXAMPLE\",\"secretAccessKey\":\""
                + AWS_SECRET
                + "\"}}"));
    h.setResponseHeaders(List.of(new Header("Set-Cookie", "sid=CanaryCookie77; HttpOnly")));
    h.setResponseBody(
        Fixtures.body(
            "text/plain",
            ("key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAcanary\n"
                    + "-----END RSA PRIVATE KEY-----\n")
                .getBytes(StandardCharsets.UTF_8)));
    h.setError(
        new ErrorInfo(
            "java.io.IOException", "token " + JWT + " rejected for canary.user@example.com", null));
    out.add(b.of(io.retrace.schemas.event.EventKind.HTTP_SERVER, h));

    HttpExchange form = EventBuilder.exchange("POST", "/login", 200);
    form.setRequestBody(
        Fixtures.body(
            "application/x-www-form-urlencoded",
            "user=jane&password=CanaryFormPw".getBytes(StandardCharsets.UTF_8)));
    out.add(b.of(io.retrace.schemas.event.EventKind.HTTP_CLIENT, form));

    RecordedEvent update =
        b.jdbcUpdate(
            "insert into users(email, card, phone) values (?, ?, ?)",
            List.of("canary.param@example.org", "4111111111111111", "+44 20 7946 0958"),
            1);
    ((JdbcCall) update.getPayload()).setDatabaseUrl("jdbc:postgresql://db/x?password=CanaryConnPw");
    out.add(update);

    RecordedEvent query =
        b.jdbcQuery(
            "select email, phone, password_hash from users where note = 'ssn 536-22-1234'",
            List.of("email", "phone", "password_hash"),
            List.of(List.of("canary.param@example.org", "+44 20 7946 0958", "CanaryHash$2b$10")));
    ((JdbcCall) query.getPayload())
        .setParameters(List.of(JdbcParameter.newBuilder().setIndex(1).setValue(CARD).build()));
    out.add(query);

    out.add(
        b.methodCall(
            "com.acme.Auth",
            "login",
            "[{\"user\":\"jane\",\"password\":\"CanaryArgPw\"}]",
            "{\"token\":\"" + JWT + "\"}"));

    RecordedEvent env = b.value(ValueSource.ENVIRONMENT, "System#getenv", "CanaryEnvPw");
    ((ValueRead) env.getPayload()).setKey("DB_PASSWORD");
    out.add(env);
    RecordedEvent aws = b.value(ValueSource.ENVIRONMENT, "System#getenv", AWS_SECRET);
    ((ValueRead) aws.getPayload()).setKey("AWS_SECRET_ACCESS_KEY");
    out.add(aws);

    out.add(
        b.exception(
            "java.sql.SQLException",
            "cannot connect: Server=db;User Id=sa;Password=CanaryConnPw; as canary.user@example.com"));
    return out;
  }

  private static String serialized(List<RecordedEvent> events) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    SpecificDatumWriter<RecordedEvent> writer = new SpecificDatumWriter<>(RecordedEvent.class);
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
    for (RecordedEvent e : events) {
      writer.write(e, encoder);
    }
    encoder.flush();
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
