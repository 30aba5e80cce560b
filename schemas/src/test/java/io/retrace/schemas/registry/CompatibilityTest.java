package io.retrace.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retrace.schemas.event.RecordedEvent;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CompatibilityTest {
  private static final Schema V1 = user("{\"name\":\"name\",\"type\":\"string\"}");
  private static final Schema OPTIONAL_FIELD_ADDED =
      user(
          "{\"name\":\"name\",\"type\":\"string\"},"
              + "{\"name\":\"email\",\"type\":\"string\",\"default\":\"\"}");
  private static final Schema REQUIRED_FIELD_ADDED =
      user("{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"age\",\"type\":\"int\"}");
  private static final Schema FIELD_REMOVED = user("");

  @Test
  void optionalFieldAddedPassesEveryLevel() {
    for (Compatibility level : Compatibility.values()) {
      assertThat(level.incompatibilities(OPTIONAL_FIELD_ADDED, List.of(V1)))
          .as(level.name())
          .isEmpty();
    }
  }

  @Test
  void requiredFieldAddedBreaksBackward() {
    assertThat(Compatibility.BACKWARD.incompatibilities(REQUIRED_FIELD_ADDED, List.of(V1)))
        .containsExactly(
            "new schema cannot read data written with previous schema #1: age:"
                + " READER_FIELD_MISSING_DEFAULT_VALUE: the field is not in the writer's schema and"
                + " has no default");
    assertThat(Compatibility.FORWARD.check(REQUIRED_FIELD_ADDED, List.of(V1))).isTrue();
    assertThat(Compatibility.FULL.check(REQUIRED_FIELD_ADDED, List.of(V1))).isFalse();
    assertThat(Compatibility.NONE.check(REQUIRED_FIELD_ADDED, List.of(V1))).isTrue();
  }

  @Test
  void requiredFieldRemovedBreaksForward() {
    assertThat(Compatibility.BACKWARD.check(FIELD_REMOVED, List.of(V1))).isTrue();
    assertThat(Compatibility.FORWARD.incompatibilities(FIELD_REMOVED, List.of(V1)))
        .containsExactly(
            "previous schema #1 cannot read data written with the new schema: name:"
                + " READER_FIELD_MISSING_DEFAULT_VALUE: the field is not in the writer's schema and"
                + " has no default");
    assertThat(Compatibility.FULL.incompatibilities(FIELD_REMOVED, List.of(V1))).hasSize(1);
  }

  @Test
  void typePromotionIsOneWay() {
    Schema intId = user("{\"name\":\"id\",\"type\":\"int\"}");
    Schema longId = user("{\"name\":\"id\",\"type\":\"long\"}");

    assertThat(Compatibility.BACKWARD.check(longId, List.of(intId))).isTrue();
    assertThat(Compatibility.FORWARD.incompatibilities(longId, List.of(intId)))
        .containsExactly(
            "previous schema #1 cannot read data written with the new schema: id: TYPE_MISMATCH:"
                + " reader type: INT not compatible with writer type: LONG");
  }

  @Test
  void transitiveLevelsCheckEveryEarlierVersion() {
    Schema v2 = FIELD_REMOVED;
    Schema v3 = user("{\"name\":\"name\",\"type\":\"int\",\"default\":0}");
    List<Schema> history = List.of(V1, v2);

    assertThat(Compatibility.BACKWARD.check(v3, history)).isTrue();
    assertThat(Compatibility.BACKWARD_TRANSITIVE.incompatibilities(v3, history))
        .containsExactly(
            "new schema cannot read data written with previous schema #1: name: TYPE_MISMATCH:"
                + " reader type: INT not compatible with writer type: STRING");
    assertThat(Compatibility.FULL_TRANSITIVE.check(v3, history)).isFalse();
    assertThat(Compatibility.FORWARD_TRANSITIVE.incompatibilities(v3, history))
        .containsExactly(
            "previous schema #1 cannot read data written with the new schema: name: TYPE_MISMATCH:"
                + " reader type: STRING not compatible with writer type: INT");
  }

  @ParameterizedTest
  @EnumSource(Compatibility.class)
  void anythingGoesAsTheFirstVersion(Compatibility level) {
    assertThat(level.check(REQUIRED_FIELD_ADDED, List.of())).isTrue();
  }

  @Test
  void namesTheFieldInsideAUnionOfRecords() {
    Schema changed =
        new Schema.Parser()
            .parse(
                RecordedEvent.getClassSchema()
                    .toString()
                    .replace(
                        "{\"name\":\"durationNanos\",\"type\":\"long\"},{\"name\":\"error\"",
                        "{\"name\":\"durationNanos\",\"type\":\"string\"},{\"name\":\"error\""));

    List<String> problems =
        Compatibility.readerWriterIncompatibilities(RecordedEvent.getClassSchema(), changed);

    // HttpExchange and JdbcCall both declare durationNanos right before error.
    assertThat(problems)
        .containsExactly(
            "payload<HttpExchange>.durationNanos: TYPE_MISMATCH: reader type: LONG not compatible"
                + " with writer type: STRING",
            "payload<JdbcCall>.durationNanos: TYPE_MISMATCH: reader type: LONG not compatible"
                + " with writer type: STRING");
  }

  @Test
  void namesArrayElementsMapValuesAndEnumSymbols() {
    Schema reader =
        record(
            "R",
            "{\"name\":\"tags\",\"type\":{\"type\":\"array\",\"items\":"
                + "{\"type\":\"record\",\"name\":\"Tag\",\"fields\":[{\"name\":\"k\",\"type\":\"int\"}]}}},"
                + "{\"name\":\"attrs\",\"type\":{\"type\":\"map\",\"values\":\"int\"}},"
                + "{\"name\":\"color\",\"type\":{\"type\":\"enum\",\"name\":\"C\",\"symbols\":[\"RED\"]}}");
    Schema writer =
        record(
            "R",
            "{\"name\":\"tags\",\"type\":{\"type\":\"array\",\"items\":"
                + "{\"type\":\"record\",\"name\":\"Tag\",\"fields\":[{\"name\":\"k\",\"type\":\"string\"}]}}},"
                + "{\"name\":\"attrs\",\"type\":{\"type\":\"map\",\"values\":\"string\"}},"
                + "{\"name\":\"color\",\"type\":{\"type\":\"enum\",\"name\":\"C\",\"symbols\":[\"RED\",\"BLUE\"]}}");

    assertThat(Compatibility.readerWriterIncompatibilities(reader, writer))
        .containsExactlyInAnyOrder(
            "tags[].k: TYPE_MISMATCH: reader type: INT not compatible with writer type: STRING",
            "attrs{}: TYPE_MISMATCH: reader type: INT not compatible with writer type: STRING",
            "color: MISSING_ENUM_SYMBOLS: [BLUE]");
  }

  @Test
  void terminatesOnRecursiveSchemas() {
    Schema reader =
        record(
            "Node",
            "{\"name\":\"value\",\"type\":\"int\"},{\"name\":\"next\",\"type\":[\"null\",\"Node\"]}");
    Schema writer =
        record(
            "Node",
            "{\"name\":\"value\",\"type\":\"string\"},{\"name\":\"next\",\"type\":[\"null\",\"Node\"]}");

    assertThat(Compatibility.readerWriterIncompatibilities(reader, writer))
        .contains("value: TYPE_MISMATCH: reader type: INT not compatible with writer type: STRING");
  }

  @Test
  void parsesLevelNamesIgnoringCase() {
    assertThat(Compatibility.parse("backward_transitive"))
        .isEqualTo(Compatibility.BACKWARD_TRANSITIVE);
    assertThat(Compatibility.parse(" FULL ")).isEqualTo(Compatibility.FULL);
    assertThatThrownBy(() -> Compatibility.parse("SIDEWAYS"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SIDEWAYS")
        .hasMessageContaining("FULL_TRANSITIVE");
  }

  private static Schema user(String fields) {
    return record("User", fields);
  }

  private static Schema record(String name, String fields) {
    return new Schema.Parser()
        .parse(
            "{\"type\":\"record\",\"name\":\""
                + name
                + "\",\"namespace\":\"test\",\"fields\":["
                + fields
                + "]}");
  }
}
