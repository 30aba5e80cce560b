package io.retrace.stack.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retrace.schemas.registry.Compatibility;
import io.retrace.stack.registry.RegistryException.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaStoreTest {
  static final String V1 =
      """
      {"type":"record","name":"Order","namespace":"shop","fields":[
        {"name":"id","type":"string"}]}""";

  /** V1 plus an optional field: BACKWARD and FORWARD compatible. */
  static final String V2_OPTIONAL =
      """
      {"type":"record","name":"Order","namespace":"shop","fields":[
        {"name":"id","type":"string"},
        {"name":"note","type":["null","string"],"default":null}]}""";

  /** V1 plus a field without default: new readers cannot read old data. */
  static final String V2_REQUIRED =
      """
      {"type":"record","name":"Order","namespace":"shop","fields":[
        {"name":"id","type":"string"},
        {"name":"amount","type":"long"}]}""";

  private final SchemaStore store = new SchemaStore();

  @Test
  void firstSchemaGetsIdOneAndVersionOne() {
    SchemaRecord registered = register("orders-value", V1);

    assertThat(registered.id()).isEqualTo(1);
    assertThat(registered.version()).isEqualTo(1);
    assertThat(store.subjects()).containsExactly("orders-value");
    assertThat(store.versions("orders-value")).containsExactly(1);
  }

  @Test
  void theSameSchemaAgainKeepsItsIdAndVersionWhateverItsFormatting() {
    SchemaRecord first = register("orders-value", V1);
    String reformatted =
        """
        {
          "namespace": "shop", "fields": [ { "type": "string", "name": "id" } ],
          "name": "Order", "type": "record"
        }""";

    SchemaStore.Registration again = store.planRegistration("orders-value", reformatted);

    assertThat(again.isNew()).isFalse();
    assertThat(again.schema()).isEqualTo(first);
    assertThat(store.versions("orders-value")).containsExactly(1);
  }

  @Test
  void anEarlierVersionRegisteredAgainIsFoundNotAdded() {
    register("orders-value", V1);
    register("orders-value", V2_OPTIONAL);

    SchemaStore.Registration again = store.planRegistration("orders-value", V1);

    assertThat(again.isNew()).isFalse();
    assertThat(again.schema().version()).isEqualTo(1);
  }

  @Test
  void theSameSchemaUnderAnotherSubjectGetsTheSameGlobalId() {
    SchemaRecord orders = register("orders-value", V1);
    register("payments-value", V2_REQUIRED);

    SchemaRecord archive = register("orders-archive-value", V1);

    assertThat(archive.id()).isEqualTo(orders.id());
    assertThat(archive.version()).isEqualTo(1);
    assertThat(store.subjects())
        .containsExactly("orders-archive-value", "orders-value", "payments-value");
  }

  @Test
  void aCompatibleChangeGetsTheNextVersionAndANewId() {
    register("orders-value", V1);

    SchemaRecord v2 = register("orders-value", V2_OPTIONAL);

    assertThat(v2.version()).isEqualTo(2);
    assertThat(v2.id()).isEqualTo(2);
    assertThat(store.version("orders-value", SchemaStore.LATEST)).isEqualTo(v2);
    assertThat(store.schemaById(2)).isEqualTo(v2.schema());
  }

  @Test
  void backwardIsTheDefaultAndRejectsANewFieldWithoutDefault() {
    register("orders-value", V1);

    assertThat(store.effectiveLevel("orders-value")).isEqualTo(Compatibility.BACKWARD);
    assertThatThrownBy(() -> store.planRegistration("orders-value", V2_REQUIRED))
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INCOMPATIBLE_SCHEMA))
        .hasMessageStartingWith(
            "Schema being registered is incompatible with an earlier schema for subject"
                + " \"orders-value\", details: [")
        .hasMessageContaining("amount")
        .hasMessageContaining("{compatibility: 'BACKWARD'}");
  }

  @Test
  void aSubjectLevelOverridesTheGlobalOne() {
    register("orders-value", V1);
    register("payments-value", V1);
    store.apply(new ConfigRecord(null, Compatibility.FULL));
    store.apply(new ConfigRecord("orders-value", Compatibility.NONE));

    assertThat(store.globalLevel()).isEqualTo(Compatibility.FULL);
    assertThat(store.subjectLevel("orders-value")).contains(Compatibility.NONE);
    assertThat(store.subjectLevel("payments-value")).isEmpty();
    assertThat(register("orders-value", V2_REQUIRED).version()).isEqualTo(2);
    assertThatThrownBy(() -> store.planRegistration("payments-value", V2_REQUIRED))
        .hasMessageContaining("{compatibility: 'FULL'}");
  }

  @Test
  void forwardAllowsANewRequiredFieldButNotDroppingOne() {
    String withoutId =
        """
        {"type":"record","name":"Order","namespace":"shop","fields":[
          {"name":"amount","type":"long"}]}""";
    store.apply(new ConfigRecord("orders-value", Compatibility.FORWARD));
    register("orders-value", V1);

    assertThat(register("orders-value", V2_REQUIRED).version()).isEqualTo(2);
    assertThatThrownBy(() -> store.planRegistration("orders-value", withoutId))
        .hasMessageContaining("id: READER_FIELD_MISSING_DEFAULT_VALUE");
  }

  @Test
  void transitiveLevelsCheckEveryEarlierVersionNotOnlyTheLatest() {
    String stringField =
        """
        {"type":"record","name":"R","fields":[{"name":"f","type":"string"}]}""";
    String noField =
        """
        {"type":"record","name":"R","fields":[]}""";
    String intFieldWithDefault =
        """
        {"type":"record","name":"R","fields":[{"name":"f","type":"int","default":0}]}""";
    for (String subject : List.of("plain", "transitive")) {
      register(subject, stringField);
      register(subject, noField);
    }
    store.apply(new ConfigRecord("transitive", Compatibility.BACKWARD_TRANSITIVE));

    assertThat(register("plain", intFieldWithDefault).version()).isEqualTo(3);
    assertThatThrownBy(() -> store.planRegistration("transitive", intFieldWithDefault))
        .hasMessageContaining("previous schema #1");
  }

  @Test
  void aSchemaAvroCannotParseIsInvalid() {
    for (String invalid :
        List.of("", "{not json", "{\"type\":\"record\",\"fields\":[]}", "\"no-such-type\"")) {
      assertThatThrownBy(() -> store.planRegistration("s", invalid))
          .isInstanceOfSatisfying(
              RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_SCHEMA))
          .hasMessageStartingWith("Invalid schema");
    }
  }

  @Test
  void anAbsurdlyNestedSchemaIsInvalidNotAStackOverflow() {
    int depth = 50_000;
    String nested = "{\"type\":\"array\",\"items\":".repeat(depth) + "\"int\"" + "}".repeat(depth);

    assertThatThrownBy(() -> store.planRegistration("s", nested))
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_SCHEMA));
  }

  @Test
  void aDefaultThatDoesNotMatchItsTypeIsInvalid() {
    String badDefault =
        """
        {"type":"record","name":"R","fields":[{"name":"f","type":"int","default":"x"}]}""";

    assertThatThrownBy(() -> store.planRegistration("s", badDefault))
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_SCHEMA));
  }

  @Test
  void lookupFindsTheVersionOrSaysWhatIsMissing() {
    register("orders-value", V1);
    register("orders-value", V2_OPTIONAL);

    assertThat(store.lookup("orders-value", V1).version()).isEqualTo(1);
    assertThatThrownBy(() -> store.lookup("orders-value", V2_REQUIRED))
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.SCHEMA_NOT_FOUND))
        .hasMessage("Schema not found");
    assertThatThrownBy(() -> store.lookup("nope", V1))
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.SUBJECT_NOT_FOUND))
        .hasMessage("Subject 'nope' not found.");
  }

  @Test
  void unknownVersionsIdsAndSubjectsUseConfluentsMessages() {
    register("orders-value", V1);

    assertThatThrownBy(() -> store.version("orders-value", 9)).hasMessage("Version 9 not found.");
    assertThatThrownBy(() -> store.schemaById(7)).hasMessage("Schema 7 not found");
    assertThatThrownBy(() -> store.versions("nope")).hasMessage("Subject 'nope' not found.");
  }

  @Test
  void aRebuiltStoreContinuesAfterTheHighestIdItSaw() {
    SchemaStore rebuilt =
        SchemaStore.of(
            List.of(
                new SchemaRecord("a", 1, 3, V1),
                new SchemaRecord("b", 1, 7, V2_REQUIRED),
                new ConfigRecord("a", Compatibility.NONE)));

    SchemaRecord next = rebuilt.planRegistration("a", V2_REQUIRED).schema();
    SchemaRecord fresh = rebuilt.planRegistration("c", V2_OPTIONAL).schema();

    assertThat(next.id()).as("reuses b's id for the same schema").isEqualTo(7);
    assertThat(next.version()).isEqualTo(2);
    assertThat(fresh.id()).isEqualTo(8);
  }

  @Test
  void compatibilityCheckAnswersWithoutRegistering() {
    register("orders-value", V1);

    SchemaStore.CompatibilityResult good =
        store.checkCompatibility("orders-value", V2_OPTIONAL, SchemaStore.LATEST);
    SchemaStore.CompatibilityResult bad =
        store.checkCompatibility("orders-value", V2_REQUIRED, SchemaStore.LATEST);

    assertThat(good.compatible()).isTrue();
    assertThat(good.messages()).isEmpty();
    assertThat(bad.compatible()).isFalse();
    assertThat(bad.messages()).anyMatch(m -> m.contains("amount"));
    assertThat(store.versions("orders-value")).containsExactly(1);
  }

  @Test
  void compatibilityWithOneVersionNamesThatVersionEvenUnderATransitiveLevel() {
    String noField =
        """
        {"type":"record","name":"R","fields":[]}""";
    String stringField =
        """
        {"type":"record","name":"R","fields":[{"name":"f","type":"string"}]}""";
    store.apply(new ConfigRecord("s", Compatibility.NONE));
    register("s", stringField);
    register("s", noField);
    store.apply(new ConfigRecord("s", Compatibility.BACKWARD_TRANSITIVE));

    SchemaStore.CompatibilityResult againstV2 = store.checkCompatibility("s", stringField, 2);
    SchemaStore.CompatibilityResult againstV1 = store.checkCompatibility("s", stringField, 1);

    assertThat(againstV2.compatible()).isFalse();
    assertThat(againstV2.messages()).anyMatch(m -> m.contains("previous schema #2"));
    assertThat(againstV2.messages()).noneMatch(m -> m.contains("previous schema #1"));
    assertThat(againstV1.compatible()).isTrue();
  }

  @Test
  void compatibilityWithAnUnknownSubjectIsTrueForLatestAndNotFoundForAVersion() {
    assertThat(store.checkCompatibility("nope", V1, SchemaStore.LATEST).compatible()).isTrue();
    assertThat(store.checkCompatibility("nope", V1, null).compatible()).isTrue();
    assertThatThrownBy(() -> store.checkCompatibility("nope", V1, 1))
        .hasMessage("Subject 'nope' not found.");
  }

  @Test
  void levelsParseIgnoringCaseAndRejectOthersWithConfluentsMessage() {
    assertThat(SchemaStore.parseLevel("full_transitive")).isEqualTo(Compatibility.FULL_TRANSITIVE);
    assertThatThrownBy(() -> SchemaStore.parseLevel("SIDEWAYS"))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_COMPATIBILITY_LEVEL))
        .hasMessageStartingWith("Invalid compatibility level");
    assertThatThrownBy(() -> SchemaStore.parseLevel(null))
        .hasMessageStartingWith("Invalid compatibility level");
  }

  private SchemaRecord register(String subject, String schema) {
    SchemaStore.Registration registration = store.planRegistration(subject, schema);
    if (registration.isNew()) {
      store.apply(registration.schema());
    }
    return registration.schema();
  }
}
