package io.retrace.stack.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retrace.schemas.registry.Compatibility;
import org.junit.jupiter.api.Test;

class RegistryRecordCodecTest {
  private static final String SCHEMA = "{\"type\":\"string\"}";

  @Test
  void writesSchemasInConfluentsShapes() {
    SchemaRecord record = new SchemaRecord("orders-value", 2, 5, SCHEMA);

    assertThat(RegistryRecordCodec.key(record))
        .isEqualTo(
            "{\"keytype\":\"SCHEMA\",\"subject\":\"orders-value\",\"version\":2,\"magic\":1}");
    assertThat(RegistryRecordCodec.value(record))
        .isEqualTo(
            "{\"subject\":\"orders-value\",\"version\":2,\"id\":5,"
                + "\"schema\":\"{\\\"type\\\":\\\"string\\\"}\",\"deleted\":false}");
  }

  @Test
  void writesGlobalAndSubjectConfigsInConfluentsShapes() {
    ConfigRecord global = new ConfigRecord(null, Compatibility.FULL);
    ConfigRecord subject = new ConfigRecord("orders-value", Compatibility.NONE);

    assertThat(RegistryRecordCodec.key(global))
        .isEqualTo("{\"keytype\":\"CONFIG\",\"subject\":null,\"magic\":0}");
    assertThat(RegistryRecordCodec.value(global)).isEqualTo("{\"compatibilityLevel\":\"FULL\"}");
    assertThat(RegistryRecordCodec.key(subject))
        .isEqualTo("{\"keytype\":\"CONFIG\",\"subject\":\"orders-value\",\"magic\":0}");
  }

  @Test
  void readsBackWhatItWrites() {
    for (RegistryRecord record :
        new RegistryRecord[] {
          new SchemaRecord("a/b c", 3, 9, SCHEMA),
          new ConfigRecord(null, Compatibility.BACKWARD_TRANSITIVE),
          new ConfigRecord("a", Compatibility.FORWARD)
        }) {
      assertThat(
              RegistryRecordCodec.decode(
                  RegistryRecordCodec.key(record), RegistryRecordCodec.value(record)))
          .contains(record);
    }
  }

  @Test
  void skipsWhatThisRegistryDoesNotKeep() {
    String schemaKey = "{\"keytype\":\"SCHEMA\",\"subject\":\"s\",\"version\":1,\"magic\":1}";
    String deleted =
        "{\"subject\":\"s\",\"version\":1,\"id\":1,\"schema\":\"\\\"int\\\"\",\"deleted\":true}";

    assertThat(RegistryRecordCodec.decode(schemaKey, null)).isEmpty();
    assertThat(RegistryRecordCodec.decode(schemaKey, deleted)).isEmpty();
    assertThat(RegistryRecordCodec.decode("{\"keytype\":\"NOOP\",\"magic\":0}", "{}")).isEmpty();
    assertThat(RegistryRecordCodec.decode("{\"keytype\":\"MODE\",\"magic\":0}", "{}")).isEmpty();
  }

  @Test
  void rejectsRecordsThatAreNotInTheFormat() {
    String schemaKey = "{\"keytype\":\"SCHEMA\",\"subject\":\"s\",\"version\":1,\"magic\":1}";
    String configKey = "{\"keytype\":\"CONFIG\",\"subject\":null,\"magic\":0}";

    assertThatThrownBy(() -> RegistryRecordCodec.decode("not json", "{}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key is not JSON");
    assertThatThrownBy(() -> RegistryRecordCodec.decode(schemaKey, "{\"subject\":\"s\"}"))
        .hasMessageContaining("'version'");
    assertThatThrownBy(
            () -> RegistryRecordCodec.decode(configKey, "{\"compatibilityLevel\":\"SIDEWAYS\"}"))
        .hasMessageContaining("SIDEWAYS");
  }
}
