package io.retrace.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retrace.schemas.serde.WireFormatException.Reason;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class WireFormatTest {

  @Test
  void writesAndParsesTheHeader() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    WireFormat.writeHeader(out, Integer.MAX_VALUE);
    out.write(99);

    byte[] bytes = out.toByteArray();

    assertThat(bytes).containsExactly(0, 0x7F, 0xFF, 0xFF, 0xFF, 99);
    assertThat(WireFormat.schemaId(bytes)).isEqualTo(Integer.MAX_VALUE);
    assertThat(WireFormat.schemaId("t", new byte[] {9, 0, 0, 0, 0, 7, 1}, 1, 5)).isEqualTo(7);
  }

  @Test
  void failsWithoutATopicWhenNoneIsKnown() {
    assertThatThrownBy(() -> WireFormat.schemaId(new byte[] {5, 0, 0, 0, 1}))
        .isInstanceOfSatisfying(
            WireFormatException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_MAGIC_BYTE);
              assertThat(e.topic()).isNull();
            })
        .hasMessage("[UNKNOWN_MAGIC_BYTE]: magic byte 0x05, expected 0x00");
  }

  @Test
  void locatingAFailureKeepsEverythingElse() {
    IllegalStateException cause = new IllegalStateException("boom");
    WireFormatException failure =
        new WireFormatException(Reason.INVALID_DATA, "retrace.events", "bad union", cause);

    WireFormatException located = failure.at(2, 40L);

    assertThat(located)
        .hasMessage("[INVALID_DATA] topic retrace.events partition 2 offset 40: bad union")
        .hasCause(cause);
    assertThat(located.reason()).isEqualTo(Reason.INVALID_DATA);
    assertThat(located.detail()).isEqualTo("bad union");
    assertThat(located.getStackTrace()).isEqualTo(failure.getStackTrace());
    assertThat(failure.partition()).isNull();
    assertThat(failure.offset()).isNull();
  }

  @Test
  void reasonNamesStayAsTheDeadLetterHeadersUseThem() {
    assertThat(Reason.values())
        .extracting(Reason::name)
        .containsExactly(
            "UNKNOWN_MAGIC_BYTE",
            "TRUNCATED",
            "UNKNOWN_SCHEMA_ID",
            "INCOMPATIBLE_SCHEMA",
            "INVALID_DATA",
            "REGISTRY_UNAVAILABLE",
            "SERIALIZATION_FAILED");
    assertThat(Reason.values())
        .filteredOn(Reason::retriable)
        .containsExactly(Reason.REGISTRY_UNAVAILABLE);
  }
}
