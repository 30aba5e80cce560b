package io.retrace.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.retrace.schemas.event.EventKind;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.event.ValueRead;
import io.retrace.schemas.event.ValueSource;
import io.retrace.testapps.ClockService;
import io.retrace.testkit.AgentProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code System.currentTimeMillis()}, a native intrinsic that advice cannot wrap: the packaged
 * agent rewrites the application's calls to it, and records the values a request read, directly and
 * through a method reference; not the read made outside any request, nor the JDK server's own.
 */
class ClockReadsIT {
  private static final String TOKEN = "clock-admin-token-0123456789";
  private static final Pattern ADMIN = Pattern.compile("admin endpoint on http://127.0.0.1:(\\d+)");

  @TempDir Path dir;

  @Test
  void recordsTheMillisARequestRead() throws Exception {
    Path out = dir.resolve("events.avro");
    String answer;
    try (AgentProcess app = start("recording=rec-clock,out=" + out)) {
      answer = app.get("/clock", "clock-1").body();
      app.stop();
    }
    String[] read = answer.split(",");
    List<RecordedEvent> events = FileSinkIT.read(out);

    assertThat(millis(events))
        .as("the request's two reads, in order, and nothing else")
        .containsExactly(Long.parseLong(read[0]), Long.parseLong(read[1]));
    assertThat(FileSinkIT.session(events, "clock-1"))
        .filteredOn(e -> e.getKind() == EventKind.VALUE_READ)
        .hasSize(2)
        .allSatisfy(
            e ->
                assertThat(((ValueRead) e.getPayload()).getSite())
                    .isEqualTo("java.lang.System#currentTimeMillis"));
  }

  /**
   * The fleet's case: the agent waits for a trigger while the service runs, so the service's
   * classes are loaded before anything is rewritten; the trigger rewrites their calls. A method
   * reference made before then is a lambda the JVM has already linked to the JDK's method: it keeps
   * reading the clock unrecorded (docs/agent.md).
   */
  @Test
  void recordsTheMillisOfClassesLoadedBeforeATriggerStartedTheRecording() throws Exception {
    Path out = dir.resolve("triggered.avro");
    String answer;
    try (AgentProcess app = start("out=" + out + ",admin.port=0,admin.token=" + TOKEN)) {
      app.get("/clock", "before"); // the handler's class loads, unrewritten
      int adminPort =
          await()
              .atMost(Duration.ofSeconds(30))
              .until(
                  () -> {
                    Matcher m = ADMIN.matcher(app.output());
                    return m.find() ? Integer.parseInt(m.group(1)) : 0;
                  },
                  p -> p > 0);
      HttpResponse<String> started =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:"
                                  + adminPort
                                  + "/recording/start?id=rec-clock-2&window=10m"))
                      .header("Authorization", "Bearer " + TOKEN)
                      .POST(HttpRequest.BodyPublishers.noBody())
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
      answer = app.get("/clock", "clock-2").body();
      app.stop();
    }
    List<RecordedEvent> events = FileSinkIT.read(out);
    assertThat(millis(events))
        .as("the direct read of the request after the trigger, and nothing else")
        .containsExactly(Long.parseLong(answer.split(",")[0]));
    assertThat(FileSinkIT.session(events, "clock-2"))
        .filteredOn(e -> e.getKind() == EventKind.VALUE_READ)
        .hasSize(1);
  }

  private AgentProcess start(String agentArgs) throws Exception {
    return TestServices.start(dir, "service=clock," + agentArgs, ClockService.class);
  }

  private static List<Object> millis(List<RecordedEvent> events) {
    return events.stream()
        .filter(e -> e.getKind() == EventKind.VALUE_READ)
        .map(e -> (ValueRead) e.getPayload())
        .filter(v -> v.getSource() == ValueSource.CURRENT_TIME_MILLIS)
        .map(ValueRead::getValue)
        .toList();
  }
}
