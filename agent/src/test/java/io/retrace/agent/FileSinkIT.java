package io.retrace.agent;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.retrace.schemas.event.EventKind;
import io.retrace.schemas.event.HttpExchange;
import io.retrace.schemas.event.JdbcCall;
import io.retrace.schemas.event.JdbcOperation;
import io.retrace.schemas.event.Marker;
import io.retrace.schemas.event.MarkerType;
import io.retrace.schemas.event.MethodCall;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.event.ValueRead;
import io.retrace.schemas.event.ValueSource;
import io.retrace.testkit.AgentProcess;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged agent on the example service, recording to a file: every dependency a request
 * touches — on the request thread or a pool thread — is attributed to that request's session,
 * nested under its inbound call, with the values the application actually saw.
 */
public class FileSinkIT {
  @TempDir Path dir;

  @Test
  void recordsARequestWithEveryDependencyItTouched() throws Exception {
    Path out = dir.resolve("events.avro");
    HttpResponse<String> created;
    HttpResponse<String> read;
    try (AgentProcess app =
        AgentProcess.start(
            dir,
            "service=orders,version=1.2.3,recording=rec-file,out="
                + out
                + ",capture.methods=io.retrace.examples.orders.OrdersService#productName")) {
      created = app.post("/orders", "req-create", "{\"product\":1,\"qty\":2}");
      String id = field(created.body(), "id");
      read = app.get("/orders/" + id, "req-read");
      assertThat(app.stop()).as(app.output()).isIn(0, 143);
    }
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(read.statusCode()).isEqualTo(200);
    List<RecordedEvent> events = read(out);
    events.sort(java.util.Comparator.comparingLong(RecordedEvent::getSequence));

    assertThat(events.get(0).getPayload())
        .isInstanceOfSatisfying(
            Marker.class, m -> assertThat(m.getType()).isEqualTo(MarkerType.RECORDING_START));
    assertThat(events)
        .allSatisfy(
            e -> {
              assertThat(e.getRecordingId()).isEqualTo("rec-file");
              assertThat(e.getOrigin().getService()).isEqualTo("orders");
              assertThat(e.getOrigin().getVersion()).isEqualTo("1.2.3");
            });
    assertThat(events).extracting(RecordedEvent::getSequence).doesNotHaveDuplicates();

    // The service's schema, made on its main thread while it started: captured before the
    // publisher (and with it Avro) was up, written all the same, after the start marker.
    List<RecordedEvent> startUp =
        events.stream()
            .filter(e -> e.getSessionId() == null && e.getKind() == EventKind.JDBC)
            .toList();
    assertThat(startUp)
        .extracting(e -> ((JdbcCall) e.getPayload()).getSql())
        .satisfiesExactly(
            sql -> assertThat(sql).startsWith("create table product("),
            sql -> assertThat(sql).startsWith("create table orders("),
            sql -> assertThat(sql).startsWith("insert into product values"));
    assertThat(startUp)
        .allSatisfy(
            e -> {
              assertThat(e.getThread().getName()).isEqualTo("main");
              assertThat(e.getSequence()).isGreaterThan(events.get(0).getSequence());
            });
    assertThat(((JdbcCall) startUp.get(2).getPayload()).getUpdateCounts()).containsExactly(2L);

    List<RecordedEvent> create = session(events, "req-create");
    RecordedEvent inbound = only(create, EventKind.HTTP_SERVER);
    HttpExchange in = (HttpExchange) inbound.getPayload();
    assertThat(in.getMethod()).isEqualTo("POST");
    assertThat(in.getUrl()).endsWith("/orders");
    assertThat(in.getStatus()).isEqualTo(201);
    assertThat(text(in.getRequestBody().getBytes())).isEqualTo("{\"product\":1,\"qty\":2}");
    assertThat(text(in.getResponseBody().getBytes())).isEqualTo(created.body());
    assertThat(in.getRequestHeaders()).anyMatch(h -> h.getValue().equals("req-create"));

    // Outbound HTTP, made on the client's executor thread.
    HttpExchange quote = (HttpExchange) only(create, EventKind.HTTP_CLIENT).getPayload();
    assertThat(quote.getUrl()).contains("/quote?product=1&qty=2");
    assertThat(quote.getStatus()).isEqualTo(200);
    assertThat(text(quote.getResponseBody().getBytes())).isEqualTo("{\"price\":5.00}");
    assertThat(quote.getResponseBody().getContentType()).isEqualTo("application/json");

    // The product lookup ran on a pool thread through CompletableFuture.supplyAsync.
    List<RecordedEvent> jdbc = kind(create, EventKind.JDBC);
    JdbcCall lookup = (JdbcCall) jdbc.get(0).getPayload();
    assertThat(lookup.getOperation()).isEqualTo(JdbcOperation.QUERY);
    assertThat(lookup.getSql()).isEqualTo("select name from product where id = ?");
    assertThat(lookup.getParameters())
        .singleElement()
        .satisfies(p -> assertThat(p.getValue()).isEqualTo(1));
    assertThat(lookup.getResultSet().getRows()).containsExactly(List.of("espresso"));
    assertThat(jdbc.get(0).getThread().getName()).isNotEqualTo(inbound.getThread().getName());
    JdbcCall insert = (JdbcCall) jdbc.get(1).getPayload();
    assertThat(insert.getOperation()).isEqualTo(JdbcOperation.UPDATE);
    assertThat(insert.getUpdateCounts()).containsExactly(1L);
    assertThat(insert.getParameters()).hasSize(5);

    // The values the application read are the ones it answered with.
    String uuid =
        kind(create, EventKind.VALUE_READ).stream()
            .map(e -> (ValueRead) e.getPayload())
            .filter(v -> v.getSource() == ValueSource.UUID)
            .map(v -> (String) v.getValue())
            .findFirst()
            .orElseThrow();
    assertThat(uuid).isEqualTo(field(created.body(), "id"));
    assertThat(insert.getParameters().get(0).getValue()).isEqualTo(uuid);
    Instant created0 = Instant.parse(field(created.body(), "created"));
    assertThat(kind(create, EventKind.VALUE_READ))
        .map(e -> (ValueRead) e.getPayload())
        .anyMatch(
            v ->
                v.getSource() == ValueSource.INSTANT_NOW
                    && v.getValue()
                        .equals(created0.getEpochSecond() * 1_000_000_000L + created0.getNano()));

    // Only values the application read: not the driver's own clock reads inside its execute calls
    // (replay answers those calls without running them), nor the server's clock read for the
    // response's Date header, nor anything the agent's own code reads while it instruments a class
    // the request loads.
    assertThat(kind(create, EventKind.VALUE_READ))
        .map(e -> ((ValueRead) e.getPayload()).getSource())
        .doesNotContain(ValueSource.RANDOM)
        .containsOnlyOnce(ValueSource.UUID, ValueSource.INSTANT_NOW);
    for (RecordedEvent query : jdbc) {
      long end = query.getMonotonicNanos();
      long start = end - ((JdbcCall) query.getPayload()).getDurationNanos();
      assertThat(kind(create, EventKind.VALUE_READ))
          .noneMatch(
              v ->
                  v.getThread().getId() == query.getThread().getId()
                      && v.getMonotonicNanos() >= start
                      && v.getMonotonicNanos() <= end);
    }

    // The configured method, with its argument and result as JSON, and the query it made inside.
    RecordedEvent method = only(create, EventKind.METHOD_CALL);
    MethodCall call = (MethodCall) method.getPayload();
    assertThat(call.getClassName()).isEqualTo("io.retrace.examples.orders.OrdersService");
    assertThat(call.getMethodName()).isEqualTo("productName");
    assertThat(call.getArgumentsJson()).isEqualTo("[1]");
    assertThat(call.getReturnJson()).isEqualTo("\"espresso\"");
    assertThat(jdbc.get(0).getParentCallId()).isEqualTo(method.getCallId());

    // Everything in the session nests under the inbound call, directly or through the method.
    assertThat(method.getParentCallId()).isEqualTo(inbound.getCallId());
    assertThat(create)
        .filteredOn(e -> e != inbound)
        .allSatisfy(
            e -> assertThat(e.getParentCallId()).isIn(inbound.getCallId(), method.getCallId()));

    List<RecordedEvent> readSession = session(events, "req-read");
    // The unit price came through HttpURLConnection: recorded when its body was read.
    HttpExchange price = (HttpExchange) only(readSession, EventKind.HTTP_CLIENT).getPayload();
    assertThat(price.getMethod()).isEqualTo("GET");
    assertThat(price.getUrl()).contains("/quote?product=1&qty=1");
    assertThat(price.getStatus()).isEqualTo(200);
    assertThat(price.getRequestHeaders()).anyMatch(h -> h.getName().equals("Accept"));
    assertThat(text(price.getResponseBody().getBytes())).isEqualTo("{\"price\":2.50}");
    assertThat(read.body()).contains("\"unitPriceNow\":2.50");
    JdbcCall select = (JdbcCall) only(readSession, EventKind.JDBC).getPayload();
    assertThat(select.getResultSet().getRows()).hasSize(1);
    assertThat(select.getResultSet().getRows().get(0).get(0)).isEqualTo(uuid);
    assertThat(((HttpExchange) only(readSession, EventKind.HTTP_SERVER).getPayload()).getStatus())
        .isEqualTo(200);
  }

  @Test
  void whereZstdCannotLoadTheFileIsWrittenWithDeflateAndNothingIsLost() throws Exception {
    // zstd-jni loads its native library from this path when it is set: one that does not exist
    // stands for a platform the agent carries no library for, or a temporary directory that
    // cannot hold one.
    Path out = dir.resolve("deflate.avro");
    HttpResponse<String> created;
    String output;
    try (AgentProcess app =
        AgentProcess.start(
            dir,
            "service=orders,recording=rec-deflate,out=" + out,
            "-DZstdNativePath=" + dir.resolve("no-such-libzstd.so"))) {
      created = app.post("/orders", "req-deflate", "{\"product\":1,\"qty\":2}");
      // The sink opens once the service has started (the agent waits for it to go quiet).
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> app.output().contains("the recording file is compressed with deflate"));
      assertThat(app.stop()).as(app.output()).isIn(0, 143);
      output = app.output();
    }
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(output).containsOnlyOnce("Retrace: zstd is not available here");
    assertThat(codec(out)).isEqualTo("deflate");
    List<RecordedEvent> session = session(read(out), "req-deflate");
    assertThat(kind(session, EventKind.HTTP_SERVER)).hasSize(1);
    assertThat(kind(session, EventKind.HTTP_CLIENT)).hasSize(1);
    assertThat(kind(session, EventKind.JDBC)).hasSize(2);
  }

  @Test
  void onJava24AndLaterZstdLoadsOnlyWithNativeAccessEnabledAndTheJvmNeverWarns() throws Exception {
    // JNI is restricted since Java 24 (JEP 472): a library loaded without native access enabled
    // makes the JVM print warnings on the application's console.
    Path jdk = Path.of(System.getProperty("retrace.app.java.home"));
    assertThat(jdk.resolve("bin/java")).as("a Java 24+ JDK to run the application on").exists();
    assertThat(codecOnJava(jdk, "plain")).isEqualTo("deflate");
    assertThat(codecOnJava(jdk, "native", "--enable-native-access=ALL-UNNAMED"))
        .isEqualTo("zstandard");
  }

  private String codecOnJava(Path jdk, String name, String... jvmOptions) throws Exception {
    Path out = dir.resolve(name + ".avro");
    String output;
    try (AgentProcess app =
        AgentProcess.start(
            dir,
            jdk,
            "service=orders,recording=rec-" + name + ",out=" + out,
            List.of(),
            "io.retrace.examples.orders.OrdersService",
            jvmOptions)) {
      assertThat(app.post("/orders", "req-" + name, "{\"product\":1,\"qty\":2}").statusCode())
          .isEqualTo(201);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> app.output().contains("Retrace recording rec-" + name + " started"));
      assertThat(app.stop()).as(app.output()).isIn(0, 143);
      output = app.output();
    }
    assertThat(output)
        .doesNotContain("WARNING: A restricted method")
        .doesNotContain("WARNING: java.lang.System::load");
    assertThat(kind(session(read(out), "req-" + name), EventKind.JDBC)).hasSize(2);
    return codec(out);
  }

  /** The events of a recording file, in file order. */
  public static List<RecordedEvent> read(Path file) throws Exception {
    List<RecordedEvent> events = new ArrayList<>();
    try (DataFileReader<RecordedEvent> reader =
        new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(RecordedEvent.class))) {
      reader.forEach(events::add);
    }
    return events;
  }

  /** The codec a recording file's blocks are written with, as Avro names it. */
  public static String codec(Path file) throws Exception {
    try (DataFileReader<RecordedEvent> reader =
        new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(RecordedEvent.class))) {
      return reader.getMetaString("avro.codec");
    }
  }

  static List<RecordedEvent> session(List<RecordedEvent> events, String session) {
    return events.stream().filter(e -> session.equals(e.getSessionId())).toList();
  }

  static List<RecordedEvent> kind(List<RecordedEvent> events, EventKind kind) {
    return events.stream().filter(e -> e.getKind() == kind).toList();
  }

  static RecordedEvent only(List<RecordedEvent> events, EventKind kind) {
    List<RecordedEvent> matching = kind(events, kind);
    assertThat(matching).as("%s events", kind).hasSize(1);
    return matching.get(0);
  }

  static String text(java.nio.ByteBuffer bytes) {
    return UTF_8.decode(bytes.duplicate()).toString();
  }

  static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]+)\"").matcher(json);
    assertThat(m.find()).as("%s in %s", name, json).isTrue();
    return m.group(1);
  }
}
