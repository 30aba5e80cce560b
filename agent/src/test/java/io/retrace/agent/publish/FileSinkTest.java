package io.retrace.agent.publish;

import static io.retrace.agent.FileSinkIT.codec;
import static io.retrace.agent.FileSinkIT.read;
import static org.assertj.core.api.Assertions.assertThat;

import io.retrace.schemas.event.Correlation;
import io.retrace.schemas.event.EventKind;
import io.retrace.schemas.event.JdbcCall;
import io.retrace.schemas.event.JdbcOperation;
import io.retrace.schemas.event.JdbcParameter;
import io.retrace.schemas.event.Marker;
import io.retrace.schemas.event.MarkerType;
import io.retrace.schemas.event.Origin;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.event.ThreadInfo;
import io.retrace.schemas.event.ValueRead;
import io.retrace.schemas.event.ValueSource;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSinkTest {
  @TempDir Path dir;

  @Test
  void eventsAreReadBackFromTheFileAsTheyWereWritten() throws Exception {
    Path file = dir.resolve("rec.avro");
    List<RecordedEvent> events =
        List.of(
            event(1, EventKind.MARKER, new Marker(MarkerType.RECORDING_START, 0L, null)),
            event(2, EventKind.VALUE_READ, new ValueRead(ValueSource.UUID, "site", null, "u-1")),
            event(
                3,
                EventKind.JDBC,
                new JdbcCall(
                    JdbcOperation.UPDATE,
                    "update t set x = ?",
                    null,
                    List.of(new JdbcParameter(0, 1, null, null, 42L)),
                    null,
                    List.of(1L),
                    7L,
                    null)));
    try (FileSink sink = new FileSink(file, FileSink.Compression.ZSTANDARD)) {
      sink.write(events);
    }

    assertThat(read(file)).isEqualTo(events);
    assertThat(codec(file)).isEqualTo("zstandard");
  }

  @Test
  void blocksAfterTheFirstAreReadBackToo() throws Exception {
    // The zstd codec reuses its output array from block to block (Avro cuts a block every ~64 KB):
    // a block written from a stale or shorter array would not decompress, or decode as other
    // events.
    Path file = dir.resolve("many.avro");
    List<RecordedEvent> events = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      String value = "u-" + i + "-" + "x".repeat(i % 97);
      events.add(event(i, EventKind.VALUE_READ, new ValueRead(ValueSource.UUID, "s", null, value)));
    }
    try (FileSink sink = new FileSink(file, FileSink.Compression.ZSTANDARD)) {
      sink.write(events.subList(0, 1_000));
      sink.flush();
      sink.write(events.subList(1_000, 3_000));
    }

    assertThat(read(file)).isEqualTo(events);
    assertThat(Files.size(file)).isLessThan(120_000);
  }

  @Test
  void deflateIsWrittenWhenAsked() throws Exception {
    Path file = dir.resolve("deflate.avro");
    List<RecordedEvent> events =
        List.of(event(1, EventKind.VALUE_READ, new ValueRead(ValueSource.UUID, "s", null, "u-1")));
    try (FileSink sink = new FileSink(file, FileSink.Compression.DEFLATE)) {
      assertThat(sink.codec()).isEqualTo("deflate");
      sink.write(events);
    }

    assertThat(read(file)).isEqualTo(events);
    assertThat(codec(file)).isEqualTo("deflate");
  }

  @Test
  void aValueOnlyTheDatumWriterKnowsIsWrittenAsTheDatumWriterWritesIt() throws Exception {
    // Avro writes "stringable" classes such as BigDecimal into a union's string branch; the direct
    // encoding leaves such events to the datum writer.
    Path file = dir.resolve("decimal.avro");
    RecordedEvent decimal = update(new BigDecimal("1.50"));
    try (FileSink sink = new FileSink(file, FileSink.Compression.ZSTANDARD)) {
      sink.write(List.of(decimal, update(7L)));
    }

    List<RecordedEvent> read = read(file);
    assertThat(read).hasSize(2);
    assertThat(((JdbcCall) read.get(0).getPayload()).getParameters().get(0).getValue())
        .isEqualTo("1.50");
    assertThat(read.get(1)).isEqualTo(update(7L));
  }

  private static RecordedEvent update(Object parameter) {
    return event(
        1,
        EventKind.JDBC,
        new JdbcCall(
            JdbcOperation.UPDATE,
            "update t set x = ?",
            null,
            List.of(new JdbcParameter(0, 1, null, null, parameter)),
            null,
            List.of(1L),
            7L,
            null));
  }

  private static RecordedEvent event(long seq, EventKind kind, Object payload) {
    return new RecordedEvent(
        "agent-1-" + seq,
        "rec-1",
        "s-1",
        new Correlation(null, null, "s-1"),
        new Origin("orders", null, null, null, null, null, null, null, "agent-1", 42L),
        new ThreadInfo("main", 1L, false),
        seq,
        seq,
        null,
        Instant.ofEpochSecond(1_764_000_000L, 5_000),
        seq,
        kind,
        payload,
        List.of(),
        null,
        Map.of());
  }
}
