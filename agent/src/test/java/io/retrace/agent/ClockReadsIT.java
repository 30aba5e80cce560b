package io.retrace.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.retrace.schemas.event.EventKind;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.event.ValueRead;
import io.retrace.schemas.event.ValueSource;
import io.retrace.testapps.ClockService;
import io.retrace.testkit.AgentProcess;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code System.currentTimeMillis()}, a native intrinsic that advice cannot wrap: the packaged
 * agent rewrites the application's calls to it, and records the values a request read, directly and
 * through a method reference; not the read made outside any request, nor the JDK server's own.
 */
class ClockReadsIT {
  @TempDir Path dir;

  @Test
  void recordsTheMillisARequestRead() throws Exception {
    Path out = dir.resolve("events.avro");
    String answer;
    try (AgentProcess app =
        AgentProcess.start(
            dir,
            Path.of(System.getProperty("java.home")),
            "service=clock,recording=rec-clock,out=" + out,
            List.of(System.getProperty("retrace.test.classes")),
            ClockService.class.getName())) {
      answer = app.get("/clock", "clock-1").body();
      app.stop();
    }
    String[] read = answer.split(",");
    List<RecordedEvent> events = FileSinkIT.read(out);

    List<ValueRead> millis =
        events.stream()
            .filter(e -> e.getKind() == EventKind.VALUE_READ)
            .map(e -> (ValueRead) e.getPayload())
            .filter(v -> v.getSource() == ValueSource.CURRENT_TIME_MILLIS)
            .toList();
    assertThat(millis)
        .as("the request's two reads, in order, and nothing else")
        .extracting(ValueRead::getValue)
        .containsExactly(Long.parseLong(read[0]), Long.parseLong(read[1]));
    assertThat(millis)
        .extracting(ValueRead::getSite)
        .containsOnly("java.lang.System#currentTimeMillis");
    assertThat(FileSinkIT.session(events, "clock-1"))
        .filteredOn(e -> e.getKind() == EventKind.VALUE_READ)
        .hasSize(2);
  }
}
