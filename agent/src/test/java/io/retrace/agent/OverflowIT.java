package io.retrace.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.retrace.schemas.event.Marker;
import io.retrace.schemas.event.MarkerType;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.testkit.AgentProcess;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A capture buffer far too small for the load: the application still answers every request, and the
 * recording says exactly how many events it lost, in gap markers.
 */
class OverflowIT {
  private static final Pattern SUMMARY =
      Pattern.compile("captured (\\d+), sent (\\d+), spooled \\d+, dropped (\\d+)");

  @TempDir Path dir;

  @Test
  void aFullBufferDropsCountsAndMarksTheGap() throws Exception {
    Path out = dir.resolve("events.avro");
    List<Integer> statuses = new ArrayList<>();
    String summary;
    try (AgentProcess app =
        AgentProcess.start(
            dir, "service=orders,recording=rec-overflow,buffer.events=16,out=" + out)) {
      ExecutorService clients = Executors.newFixedThreadPool(16);
      List<Future<HttpResponse<String>>> responses = new ArrayList<>();
      for (int i = 0; i < 600; i++) {
        String id = "burst-" + i;
        responses.add(clients.submit(() -> app.post("/orders", id, "{\"product\":1,\"qty\":1}")));
      }
      for (Future<HttpResponse<String>> r : responses) {
        statuses.add(r.get().statusCode());
      }
      clients.shutdown();
      app.stop();
      summary = app.output();
    }
    assertThat(statuses).hasSize(600).containsOnly(201);

    Matcher m = SUMMARY.matcher(summary);
    assertThat(m.find()).as(summary).isTrue();
    long captured = Long.parseLong(m.group(1));
    long dropped = Long.parseLong(m.group(3));
    assertThat(dropped).as("a 16-event buffer under 16 concurrent clients overflows").isPositive();

    List<RecordedEvent> events = FileSinkIT.read(out);
    long gaps =
        events.stream()
            .filter(
                e -> e.getPayload() instanceof Marker marker && marker.getType() == MarkerType.GAP)
            .mapToLong(e -> ((Marker) e.getPayload()).getDroppedCount())
            .sum();
    assertThat(gaps).isEqualTo(dropped);
    long gapMarkers =
        events.stream()
            .filter(
                e -> e.getPayload() instanceof Marker marker && marker.getType() == MarkerType.GAP)
            .count();
    // Everything captured is either in the file or accounted for by a gap marker.
    assertThat(events.size() - gapMarkers + dropped).isEqualTo(captured);
  }
}
