package io.retrace.archiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.retrace.schemas.event.HttpExchange;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.testkit.EventBuilder;
import io.retrace.testkit.Events;
import io.retrace.testkit.RetraceStackExtension;
import io.retrace.testkit.TestStack;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The three queries of docs/querying.md, run with DuckDB JDBC on an archive the archiver wrote. */
@ExtendWith(RetraceStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryIT {
  private static final Instant DAY1 = Instant.parse("2026-11-27T12:00:00Z");
  private static final Instant DAY2 = Instant.parse("2026-11-28T12:00:00Z");

  private Path archive;
  private final List<RecordedEvent> sent = new ArrayList<>();

  @BeforeAll
  void archive(TestStack stack, @TempDir Path dir) throws Exception {
    archive = dir;
    TestArchivers t = new TestArchivers(stack);
    // rec-q, service orders: endpoint /e{i} takes (i + 1) * 10 ms, called twice, on day 1.
    for (int i = 0; i < 12; i++) {
      for (int call = 0; call < 2; call++) {
        RecordedEvent e =
            Events.event()
                .recording("rec-q")
                .service("orders")
                .session("s-" + i + "-" + call)
                .at(DAY1.plusSeconds(i * 10 + call))
                .httpServer("GET", "/e" + i + "?call=" + call, 200);
        HttpExchange h = (HttpExchange) e.getPayload();
        h.setRoute("/e" + i);
        h.setDurationNanos((i + 1) * 10_000_000L + call * 2_000_000L);
        sent.add(e);
      }
    }
    // A slower endpoint in another recording must not show up in rec-q's top 10.
    RecordedEvent other =
        Events.event().recording("rec-other").at(DAY1).httpServer("GET", "/slow", 200);
    ((HttpExchange) other.getPayload()).setDurationNanos(9_000_000_000L);
    sent.add(other);
    // Dependencies: sessions s-1-0 and s-5-1 got a 503 and a 500 from a downstream; s-2-0 a 404.
    sent.add(client("rec-q", "s-1-0", 503, DAY1));
    sent.add(client("rec-q", "s-5-1", 500, DAY1));
    sent.add(client("rec-q", "s-2-0", 404, DAY1));
    // Day 2: payments, two JDBC calls and one marker-free HTTP server event.
    EventBuilder payments = Events.event().recording("rec-p").service("payments").at(DAY2);
    sent.add(payments.jdbcUpdate("update accounts set x = ?", List.of(1), 1));
    sent.add(payments.jdbcUpdate("update accounts set x = ?", List.of(2), 1));
    sent.add(payments.httpServer("POST", "/pay", 201));

    try (KafkaProducer<String, RecordedEvent> producer = stack.producer(t.events)) {
      for (RecordedEvent e : sent) {
        producer.send(
            new ProducerRecord<>(t.events.name(), e.getRecordingId() + "|" + e.getSessionId(), e));
      }
    }
    try (ArchiverService archiver = ArchiverService.start(t.config(archive, Map.of()))) {
      await()
          .failFast("the archiver stopped", () -> !archiver.running())
          .atMost(Duration.ofSeconds(60))
          .until(() -> ArchiveContents.eventIds(archive).size() >= sent.size());
    }
  }

  private static RecordedEvent client(String recording, String session, int status, Instant at) {
    return Events.event()
        .recording(recording)
        .service("orders")
        .session(session)
        .at(at)
        .httpClient("GET", "http://inventory/items", status);
  }

  @Test
  void theTenSlowestEndpointsOfARecording() throws Exception {
    try (DuckDb db = new DuckDb(archive)) {
      List<List<Object>> rows =
          db.query(
              """
              SELECT http_method, coalesce(route, url) AS endpoint, count(*) AS calls,
                     round(avg(duration_ms), 3) AS avg_ms, max(duration_ms) AS max_ms
              FROM events
              WHERE recording = 'rec-q' AND kind = 'HTTP_SERVER'
              GROUP BY ALL
              ORDER BY avg_ms DESC
              LIMIT 10
              """);
      assertThat(rows).hasSize(10);
      assertThat(rows.get(0)).containsExactly("GET", "/e11", 2L, 121.0, 122.0);
      assertThat(rows.stream().map(r -> r.get(1)).toList())
          .containsExactly("/e11", "/e10", "/e9", "/e8", "/e7", "/e6", "/e5", "/e4", "/e3", "/e2");
    }
  }

  @Test
  void sessionsWhereADependencyReturnedA5xx() throws Exception {
    try (DuckDb db = new DuckDb(archive)) {
      List<List<Object>> rows =
          db.query(
              """
              SELECT recording, session_id, list(DISTINCT url) AS dependencies, max(status) AS status
              FROM events
              WHERE kind = 'HTTP_CLIENT' AND status >= 500
              GROUP BY recording, session_id
              ORDER BY recording, session_id
              """);
      assertThat(rows).extracting(r -> r.get(1)).containsExactly("s-1-0", "s-5-1");
      assertThat(rows).extracting(r -> r.get(3)).containsExactly(503, 500);
    }
  }

  @Test
  void eventsPerKindPerServicePerDay() throws Exception {
    try (DuckDb db = new DuckDb(archive)) {
      List<List<Object>> rows =
          db.query(
              """
              SELECT service, date, kind, count(*) AS events
              FROM events
              GROUP BY ALL
              ORDER BY service, date, kind
              """);
      assertThat(rows)
          .containsExactly(
              List.of("orders", LocalDate.parse("2026-11-27"), "HTTP_CLIENT", 3L),
              List.of("orders", LocalDate.parse("2026-11-27"), "HTTP_SERVER", 25L),
              List.of("payments", LocalDate.parse("2026-11-28"), "HTTP_SERVER", 1L),
              List.of("payments", LocalDate.parse("2026-11-28"), "JDBC", 2L));
    }
  }
}
