package io.retrace.archiver.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class OutputPartitionTest {
  @Test
  void directoryIsHiveStyleWithEscapedValues() {
    OutputPartition p =
        new OutputPartition("events", "orders/eu west", LocalDate.of(2026, 11, 28), "rec-1");
    assertThat(p.directory())
        .isEqualTo("events/service=orders%2Feu%20west/date=2026-11-28/recording=rec-1");
    assertThat(OutputPartition.unescape("orders%2Feu%20west")).isEqualTo("orders/eu west");
    assertThat(OutputPartition.unescape(OutputPartition.escape("zürich=1"))).isEqualTo("zürich=1");
  }

  @Test
  void missingValuesBecomeUnderscore() {
    assertThat(new OutputPartition("audit", null, LocalDate.of(2026, 1, 2), "").directory())
        .isEqualTo("audit/service=_/date=2026-01-02/recording=_");
  }

  @Test
  void fileNamesAreDeterministicAndSortByOffset() {
    String name = FileNames.of("retrace.events", 4, 1234);
    assertThat(name).isEqualTo("retrace.events+4+00000000000000001234.parquet");
    assertThat(FileNames.of("t", 0, 9)).isLessThan(FileNames.of("t", 0, 10));
  }
}
