package io.retrace.schemas.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every released version of every top-level schema is kept under {@code history/<Name>/vN.avsc}.
 * The current schema must be the newest of them and must read data written with any of them
 * (BACKWARD_TRANSITIVE), so that consumers upgraded first never choke on old records.
 */
class SchemaHistoryTest {

  static Stream<Schema> currentSchemas() {
    return Stream.of(
        RecordedEvent.getClassSchema(),
        SessionSummary.getClassSchema(),
        RecordingInfo.getClassSchema(),
        AuditEvent.getClassSchema(),
        CaptureCommand.getClassSchema());
  }

  @ParameterizedTest
  @MethodSource("currentSchemas")
  void currentSchemaIsTheNewestRecordedVersion(Schema current) throws IOException {
    List<Schema> history = history(current.getName());
    assertThat(history).as("history of %s", current.getName()).isNotEmpty();
    if (!history.get(history.size() - 1).equals(current)) {
      // Write the candidate where the developer can copy it from, named as it should be.
      Path candidate =
          Path.of(
              "target", "schema-history", current.getName(), "v" + (history.size() + 1) + ".avsc");
      Files.createDirectories(candidate.getParent());
      Files.writeString(candidate, current.toString(true) + "\n");
      fail(
          "%s changed: check the rules in docs/schemas.md, then copy %s to"
              + " schemas/src/test/resources/history/%s/",
          current.getName(), candidate.toAbsolutePath(), current.getName());
    }
  }

  @ParameterizedTest
  @MethodSource("currentSchemas")
  void currentSchemaReadsEveryEarlierVersion(Schema current) throws IOException {
    List<Schema> history = history(current.getName());
    for (int i = 0; i < history.size(); i++) {
      var result = SchemaCompatibility.checkReaderWriterCompatibility(current, history.get(i));
      assertThat(result.getType())
          .as("%s cannot read v%d: %s", current.getName(), i + 1, result.getResult())
          .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }
  }

  @Test
  void aRequiredFieldWithoutDefaultIsCaughtAsIncompatible() {
    Schema old = RecordedEvent.getClassSchema();
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : old.getFields()) {
      fields.add(new Schema.Field(f, f.schema()));
    }
    fields.add(new Schema.Field("tenant", SchemaBuilder.builder().stringType(), null, null));
    Schema changed =
        Schema.createRecord(old.getName(), old.getDoc(), old.getNamespace(), false, fields);

    var result = SchemaCompatibility.checkReaderWriterCompatibility(changed, old);

    assertThat(result.getType()).isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    assertThat(result.getResult().getIncompatibilities().get(0).getMessage()).contains("tenant");
  }

  private static List<Schema> history(String name) throws IOException {
    List<Schema> versions = new ArrayList<>();
    for (int v = 1; ; v++) {
      try (InputStream in =
          SchemaHistoryTest.class.getResourceAsStream("/history/" + name + "/v" + v + ".avsc")) {
        if (in == null) {
          return versions;
        }
        versions.add(new Schema.Parser().parse(in));
      }
    }
  }
}
