package io.retrace.redaction;

import static io.retrace.redaction.Fixtures.exchange;
import static io.retrace.redaction.Fixtures.headerNames;
import static io.retrace.redaction.Fixtures.http;
import static io.retrace.redaction.Fixtures.requestBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retrace.schemas.event.Header;
import io.retrace.schemas.event.RecordedEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedactionPolicyTest {
  private static final String POLICY =
      """
      # payments and orders
      version: "2026-11-28.1"
      defaults:
        rules:
          - name: tenant
            headers: [X-Tenant]
            action: hash
        detectors:
          phone: off
      services:
        payments:
          failClosed: true
          rules:
            - name: tenant
              headers: [X-Tenant]
              action: drop
          allow:
            headers: [Accept]
      """;

  @Test
  void versionAndHashAreReported() {
    RedactionPolicy p = RedactionPolicy.parse(POLICY, "p.yaml");
    assertThat(p.version()).isEqualTo("2026-11-28.1");
    assertThat(p.hash()).matches("[0-9a-f]{16}");
  }

  @Test
  void theSamePolicyHasTheSameHashWhateverItsFormatting() {
    String reformatted =
        """
        services: {payments: {allow: {headers: [Accept]}, failClosed: true,
                   rules: [{action: drop, headers: [X-Tenant], name: tenant}]}}
        defaults: {detectors: {phone: off}, rules: [{name: tenant, headers: [X-Tenant], action: hash}]}
        version: "2026-11-28.1"   # same content, other order, other style
        """;
    assertThat(RedactionPolicy.parse(reformatted, "b.yaml").hash())
        .isEqualTo(RedactionPolicy.parse(POLICY, "a.yaml").hash());
  }

  @Test
  void aChangedRuleChangesTheHash() {
    String changed = POLICY.replace("action: hash", "action: drop");
    assertThat(RedactionPolicy.parse(changed, "p.yaml").hash())
        .isNotEqualTo(RedactionPolicy.parse(POLICY, "p.yaml").hash());
    assertThat(RedactionPolicy.defaults().hash())
        .isNotEqualTo(RedactionPolicy.parse(POLICY, "p.yaml").hash());
  }

  @Test
  void aServiceOverridesTheDefaultsAndOtherServicesKeepThem() {
    Redactor r = Redactor.create(RedactionPolicy.parse(POLICY, "p.yaml"), Fixtures.KEY, "ingest");
    List<Header> headers =
        List.of(new Header("X-Tenant", "acme"), new Header("Accept", "text/plain"));
    String text = "call +1 415 555 2671";

    RecordedEvent orders = r.redact(http("orders", "/", headers, "text/plain", text));
    assertThat(exchange(orders).getRequestHeaders().get(0).getValue()).startsWith("hmac:");
    assertThat(requestBody(orders)).as("phone detector is off").isEqualTo(text);

    RecordedEvent payments = r.redact(http("payments", "/", headers, "text/plain", text));
    assertThat(headerNames(exchange(payments).getRequestHeaders())).containsExactly("Accept");
    assertThat(requestBody(payments)).as("fail-closed drops text bodies").isNull();
  }

  @Test
  void everyProblemIsReportedWithItsLine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(
        file,
        """
        defaults:
          failClosed: maybe
          rules:
            - name: a
              headers: [Authorization]
              action: obliterate
            - name: b
              json: ["card.number"]
              action: mask
              with: x
            - headers: [X]
              action: drop
            - name: a
              query: [q]
              action: drop
          detectors:
            emial: hash
        colour: blue
        """);
    assertThatThrownBy(() -> RedactionPolicy.load(file))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining(file.toString())
        .satisfies(
            e ->
                assertThat(((PolicyException) e).problems())
                    .containsExactlyInAnyOrder(
                        file
                            + ":1: 'version' is missing (it is stamped, with the hash, on"
                            + " redacted events)",
                        file
                            + ":18: unknown key 'colour' at the top level (expected one of"
                            + " [defaults, services, version])",
                        file + ":2: defaults.failClosed must be true or false",
                        file
                            + ":6: rule 'a': unknown action 'obliterate' (drop, mask, hash,"
                            + " truncate, replace)",
                        file
                            + ":8: rule 'b'.json: 'card.number' is not a JSON path: a JSON path"
                            + " starts with '$'",
                        file + ":10: rule 'b': 'with' only goes with replace",
                        file + ":11: a rule needs a 'name' (it appears in notes)",
                        file + ":13: rule 'a' is defined twice in 'defaults'",
                        file
                            + ":17: unknown detector 'emial' (known: private-key, url-password,"
                            + " conn-password, jwt, bearer, aws-key-id, aws-secret, card, iban,"
                            + " ssn, email, phone)"));
  }

  @Test
  void invalidYamlNamesTheLine() {
    assertThatThrownBy(() -> RedactionPolicy.parse("version: 1\ndefaults: [\n  a: b\n", "x.yaml"))
        .isInstanceOf(PolicyException.class)
        .satisfies(
            e ->
                assertThat(((PolicyException) e).problems())
                    .singleElement()
                    .asString()
                    .startsWith("x.yaml:")
                    .contains("not valid YAML"));
  }

  @Test
  void aBuiltInRuleCanBeSwitchedOff() {
    Redactor r =
        Fixtures.redactor(
            "version: 1\ndefaults:\n  rules:\n    - {name: sensitive-headers, enabled: false}\n");
    RecordedEvent in = http("orders", "/", List.of(new Header("Cookie", "a=b")), null, null);
    assertThat(r.redact(in)).isSameAs(in);
  }
}
