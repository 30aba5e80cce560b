package io.retrace.redaction;

import static io.retrace.redaction.Fixtures.exchange;
import static io.retrace.redaction.Fixtures.headerNames;
import static io.retrace.redaction.Fixtures.http;
import static io.retrace.redaction.Fixtures.notes;
import static io.retrace.redaction.Fixtures.redactor;
import static io.retrace.redaction.Fixtures.requestBody;
import static org.assertj.core.api.Assertions.assertThat;

import io.retrace.schemas.event.Header;
import io.retrace.schemas.event.JdbcCall;
import io.retrace.schemas.event.JdbcParameter;
import io.retrace.schemas.event.MethodCall;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.event.ValueRead;
import io.retrace.schemas.event.ValueSource;
import io.retrace.testkit.Events;
import java.util.List;
import org.junit.jupiter.api.Test;

class FieldRulesTest {
  private static final String V = "version: 1\n";

  @Test
  void defaultDenyListDropsCredentialHeadersCaseInsensitively() {
    Redactor r = Redactor.create(RedactionPolicy.defaults(), Fixtures.KEY, "agent");
    RecordedEvent in =
        http(
            "orders",
            "/orders",
            List.of(
                new Header("authorization", "Basic dXNlcjpwYXNz"),
                new Header("Accept", "application/json"),
                new Header("COOKIE", "session=abc"),
                new Header("X-Api-Key", "k-123")),
            null,
            null);
    RecordedEvent out = r.redact(in);
    assertThat(headerNames(exchange(out).getRequestHeaders())).containsExactly("Accept");
    assertThat(notes(out))
        .containsExactly(
            "sensitive-headers request.header.authorization DROP agent",
            "sensitive-headers request.header.COOKIE DROP agent",
            "sensitive-headers request.header.X-Api-Key DROP agent");
    assertThat(out.getRedactionPolicy()).isEqualTo(RedactionPolicy.defaults().hash());
  }

  @Test
  void headerRulesWithGlobsAndActions() {
    Redactor r =
        redactor(
            V
                + "defaults:\n  rules:\n"
                + "    - {name: tenant, headers: [X-Tenant-*], action: hash}\n"
                + "    - {name: ua, headers: [User-Agent], action: truncate, keep: 7}\n");
    RecordedEvent out =
        r.redact(
            http(
                "orders",
                "/",
                List.of(
                    new Header("X-Tenant-Id", "acme"), new Header("User-Agent", "Mozilla/5.0 X")),
                null,
                null));
    List<Header> h = exchange(out).getRequestHeaders();
    assertThat(h.get(0).getValue()).startsWith("hmac:").doesNotContain("acme");
    assertThat(h.get(1).getValue()).isEqualTo("Mozilla");
    assertThat(notes(out))
        .containsExactly(
            "tenant request.header.X-Tenant-Id HASH ingest",
            "ua request.header.User-Agent TRUNCATE ingest");
  }

  @Test
  void queryParametersAreRewrittenInTheUrl() {
    Redactor r =
        redactor(
            V
                + "defaults:\n  rules:\n"
                + "    - {name: acct, query: [account], action: mask, keep: 2}\n"
                + "    - {name: sess, query: [sid], action: drop}\n");
    RecordedEvent out =
        r.redact(
            http(
                "orders",
                "https://shop.example.com/pay?account=12345678&sid=xyz&page=2&token=t0k#top",
                List.of(),
                null,
                null));
    assertThat(exchange(out).getUrl())
        .isEqualTo("https://shop.example.com/pay?account=******78&page=2&token=%5BREDACTED%5D#top");
    assertThat(notes(out))
        .containsExactly(
            "acct request.query.account MASK ingest",
            "sess request.query.sid DROP ingest",
            "sensitive-query request.query.token REPLACE ingest");
  }

  @Test
  void jsonPathsWithWildcardsAndRecursiveDescent() {
    Redactor r =
        redactor(
            V
                + "defaults:\n  rules:\n"
                + "    - {name: card, json: [$.card.number], action: mask, keep: 4}\n"
                + "    - {name: cvv, json: ['$.items[*].cvv'], action: drop}\n"
                + "    - {name: mail, json: [$..email], action: hash}\n");
    String body =
        "{\"card\":{\"number\":\"5500000000000004\",\"holder\":\"J\"},"
            + "\"items\":[{\"sku\":\"a\",\"cvv\":\"123\"},{\"sku\":\"b\",\"cvv\":\"456\"}],"
            + "\"customer\":{\"contact\":{\"email\":\"x\"}},\"password\":\"pw\"}";
    RecordedEvent out = r.redact(http("orders", "/", List.of(), "application/json", body));
    assertThat(requestBody(out))
        .startsWith(
            "{\"card\":{\"number\":\"************0004\",\"holder\":\"J\"},"
                + "\"items\":[{\"sku\":\"a\"},{\"sku\":\"b\"}],"
                + "\"customer\":{\"contact\":{\"email\":\"hmac:")
        .endsWith("\"}},\"password\":\"[REDACTED]\"}");
    assertThat(notes(out))
        .containsExactly(
            "card request.body$.card.number MASK ingest",
            "cvv request.body$.items[*].cvv DROP ingest",
            "mail request.body$.customer.contact.email HASH ingest",
            "sensitive-json request.body$.password REPLACE ingest");
  }

  @Test
  void anUntouchedJsonBodyKeepsItsBytes() {
    Redactor r = Redactor.create(RedactionPolicy.defaults(), Fixtures.KEY, "ingest");
    RecordedEvent in =
        http("orders", "/", List.of(), "application/json", "{ \"a\" : 1,\n \"b\": [true, null] }");
    assertThat(r.redact(in)).isSameAs(in);
  }

  @Test
  void formFieldsAreRedactedByName() {
    Redactor r =
        redactor(V + "defaults:\n  rules:\n    - {name: f, form: [card_no], action: drop}\n");
    RecordedEvent out =
        r.redact(
            http(
                "orders",
                "/login",
                List.of(),
                "application/x-www-form-urlencoded; charset=UTF-8",
                "user=jane&password=hunter2&card_no=4111&note=hi+there"));
    assertThat(requestBody(out)).isEqualTo("user=jane&password=%5BREDACTED%5D&note=hi+there");
    assertThat(notes(out))
        .containsExactly(
            "sensitive-form request.body.password REPLACE ingest",
            "f request.body.card_no DROP ingest");
  }

  @Test
  void jdbcParametersByIndexAndByName() {
    Redactor r =
        redactor(
            V
                + "defaults:\n  rules:\n"
                + "    - {name: p2, jdbcParams: [2], action: hash}\n"
                + "    - {name: ssn, jdbcParams: [ssn], action: drop}\n");
    RecordedEvent in =
        Events.event().jdbcUpdate("update users set email = ?, ssn = ? where id = ?", List.of(), 1);
    JdbcCall call = (JdbcCall) in.getPayload();
    call.setParameters(
        List.of(
            JdbcParameter.newBuilder().setIndex(1).setValue("keep").build(),
            JdbcParameter.newBuilder().setIndex(2).setValue("jane@example.com").build(),
            JdbcParameter.newBuilder().setIndex(3).setName("ssn").setValue(123456789L).build()));
    RecordedEvent out = r.redact(in);
    List<JdbcParameter> p = ((JdbcCall) out.getPayload()).getParameters();
    assertThat(p.get(0).getValue()).isEqualTo("keep");
    assertThat((String) p.get(1).getValue()).startsWith("hmac:");
    assertThat(p.get(2).getValue()).isNull();
    assertThat(notes(out))
        .containsExactly("p2 jdbc.param[2] HASH ingest", "ssn jdbc.param[3] DROP ingest");
    assertThat(((JdbcCall) in.getPayload()).getParameters().get(1).getValue())
        .as("the input event is not modified")
        .isEqualTo("jane@example.com");
  }

  @Test
  void resultColumnsByNameInEveryRow() {
    Redactor r =
        redactor(V + "defaults:\n  rules:\n    - {name: mail, columns: [EMAIL], action: hash}\n");
    RecordedEvent out =
        r.redact(
            Events.event()
                .jdbcQuery(
                    "select id, email from users",
                    List.of("id", "email"),
                    List.of(List.of("1", "a@example.com"), List.of("2", "a@example.com"))));
    List<List<Object>> rows = ((JdbcCall) out.getPayload()).getResultSet().getRows();
    assertThat(rows.get(0).get(0)).isEqualTo("1");
    assertThat((String) rows.get(0).get(1)).startsWith("hmac:");
    assertThat(rows.get(1).get(1)).as("same value, same token").isEqualTo(rows.get(0).get(1));
    assertThat(notes(out)).containsExactly("mail jdbc.result.email HASH ingest");
  }

  @Test
  void configuredMethodArgumentsByJsonPath() {
    Redactor r =
        redactor(
            V
                + "defaults:\n  rules:\n"
                + "    - name: login\n      methods: ['com.acme.Auth#log*']\n"
                + "      args: ['$[1]']\n      action: replace\n      with: '***'\n");
    RecordedEvent out =
        r.redact(
            Events.event().methodCall("com.acme.Auth", "login", "[\"jane\",\"hunter2\"]", "true"));
    assertThat(((MethodCall) out.getPayload()).getArgumentsJson()).isEqualTo("[\"jane\",\"***\"]");
    assertThat(notes(out)).containsExactly("login method.args$[*] REPLACE ingest");
    RecordedEvent other =
        Events.event().methodCall("com.acme.Other", "login", "[\"jane\",\"hunter2\"]", "true");
    assertThat(r.redact(other)).isSameAs(other);
  }

  @Test
  void aFindingInAParameterOrAValueReadNamesWhereItWasFound() {
    // The scans' field names are made only when a scan finds something: this checks they still
    // are, for parameters, system properties and keyless values.
    Redactor r = redactor(V);
    RecordedEvent update =
        Events.event().jdbcUpdate("update users set email = ? where id = ?", List.of(), 1);
    ((JdbcCall) update.getPayload())
        .setParameters(
            List.of(
                JdbcParameter.newBuilder().setIndex(1).setValue("jane@example.com").build(),
                JdbcParameter.newBuilder().setIndex(2).setValue(7L).build()));
    RecordedEvent property =
        Events.event().value(ValueSource.SYSTEM_PROPERTY, "System#getProperty", "jane@example.com");
    ((ValueRead) property.getPayload()).setKey("owner");
    RecordedEvent keyless =
        Events.event().value(ValueSource.UUID, "UUID#randomUUID", "jane@example.com");

    assertThat(notes(r.redact(update))).singleElement().asString().contains(" jdbc.param[1] ");
    assertThat(notes(r.redact(property))).singleElement().asString().contains(" sysprop.owner ");
    assertThat(notes(r.redact(keyless))).singleElement().asString().contains(" value ");
  }

  @Test
  void environmentReadsByKey() {
    Redactor r =
        redactor(V + "defaults:\n  rules:\n    - {name: home, env: [HOME], action: drop}\n");
    RecordedEvent home =
        Events.event().value(ValueSource.ENVIRONMENT, "System#getenv", "/home/jane");
    ((ValueRead) home.getPayload()).setKey("HOME");
    RecordedEvent db = Events.event().value(ValueSource.ENVIRONMENT, "System#getenv", "pw-123");
    ((ValueRead) db.getPayload()).setKey("DB_PASSWORD");
    assertThat(((ValueRead) r.redact(home).getPayload()).getValue()).isNull();
    assertThat(((ValueRead) r.redact(db).getPayload()).getValue()).isEqualTo("[REDACTED]");
    assertThat(notes(r.redact(db))).containsExactly("sensitive-env env.DB_PASSWORD REPLACE ingest");
  }

  @Test
  void aCleanEventIsReturnedAsIsWithoutAStamp() {
    Redactor r = Redactor.create(RedactionPolicy.defaults(), Fixtures.KEY, "ingest");
    RecordedEvent in = Events.event().httpServer("GET", "/orders/42?page=1", 200);
    RecordedEvent out = r.redact(in);
    assertThat(out).isSameAs(in);
    assertThat(out.getRedactionPolicy()).isNull();
  }

  @Test
  void notesOfTheAgentStageAreKeptWhenIngestRedactsAgain() {
    RecordedEvent in =
        http("orders", "/", List.of(new Header("Cookie", "a=b")), "text/plain", "mail a@b.io");
    RecordedEvent agent =
        Redactor.create(
                RedactionPolicy.parse(V + "defaults:\n  detectors: {email: off}\n", "agent.yaml"),
                Fixtures.KEY,
                "agent")
            .redact(in);
    RecordedEvent ingest =
        Redactor.create(RedactionPolicy.defaults(), Fixtures.KEY, "ingest").redact(agent);
    assertThat(notes(ingest))
        .containsExactly(
            "sensitive-headers request.header.Cookie DROP agent",
            "detector.email request.body HASH ingest");
    assertThat(ingest.getRedactionPolicy()).isEqualTo(RedactionPolicy.defaults().hash());
  }
}
