package io.retrace.agent;

import static io.retrace.agent.FileSinkIT.kind;
import static io.retrace.agent.FileSinkIT.only;
import static io.retrace.agent.FileSinkIT.session;
import static io.retrace.agent.FileSinkIT.text;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.retrace.schemas.event.Body;
import io.retrace.schemas.event.EventKind;
import io.retrace.schemas.event.Header;
import io.retrace.schemas.event.HttpExchange;
import io.retrace.schemas.event.JdbcCall;
import io.retrace.schemas.event.JdbcOperation;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.event.ValueRead;
import io.retrace.schemas.event.ValueSource;
import io.retrace.testkit.AgentProcess;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.commons.ClassRemapper;

/**
 * The packaged agent on the servlet example ({@code io.retrace.examples.servlet}), one JVM per
 * container: Tomcat 11 with the servlet API on the application class path, Jetty 12 with the
 * servlet API and the application in a child-first class loader the agent cannot see (the layout of
 * a WAR or a Spring Boot jar), and Tomcat 9 (Servlet 4, {@code javax.servlet}) in the same layout,
 * with the example renamed to {@code javax.servlet} as it loads. Each JVM gets the same requests
 * twice: first while the agent is attached but idle, then while it records (started through the
 * admin endpoint). The client gets the same bytes both times, and each recorded request is checked
 * field by field.
 */
class ServletIT {
  private static final String TOKEN = "servlet-admin-token-0123456789";
  private static final int BODY_MAX = 1024;
  private static final Pattern PORT = Pattern.compile("listening on port (\\d+)");
  private static final Pattern ADMIN = Pattern.compile("admin endpoint on http://127.0.0.1:(\\d+)");
  private static final Pattern UUID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final Pattern INSTANT =
      Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");

  /** Over {@link #BODY_MAX} both ways: 200 order lines in, a 200-line price list out. */
  private static final String ORDER =
      IntStream.rangeClosed(1, 200)
          .mapToObj(i -> (i % 2 == 0 ? "CRO-1," : "TEA-1,") + i + "\n")
          .collect(Collectors.joining());

  private static final String ITEM =
      "{\"sku\":\"CRO-9\",\"name\":\"Croissant \uD83E\uDD50 crème\",\"price\":3.50}";

  @TempDir Path dir;
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void recordsServletRequestsOnTomcat() throws Exception {
    Path out = dir.resolve("tomcat.avro");
    try (AgentProcess app =
        AgentProcess.start(
            dir,
            Path.of(System.getProperty("java.home")),
            agentArgs(out),
            classpath("retrace.tomcat.classpath"),
            "io.retrace.examples.servlet.CatalogService")) {
      exercise(app, out);
    }
  }

  @Test
  void recordsServletRequestsOnJettyWithTheServletApiOutOfTheAgentsSight() throws Exception {
    Path out = dir.resolve("jetty.avro");
    try (AgentProcess app =
        startChildFirst(
            out, "retrace.jetty.classpath", "io.retrace.examples.servlet.JettyCatalogService")) {
      exercise(app, out);
    }
  }

  /**
   * Tomcat 9 (Servlet 4) and 8.5 (Servlet 3.1), {@code javax.servlet}: the example renamed as it
   * loads. Servlet 3.1 has no mappings, so its records have no route; everything else is the same.
   */
  @ParameterizedTest
  @CsvSource({"retrace.tomcat9.classpath, /catalog/*", "retrace.tomcat85.classpath,"})
  void recordsServletRequestsOnJavaxTomcats(String container, String route) throws Exception {
    Path out = dir.resolve("javax.avro");
    try (AgentProcess app =
        startChildFirst(
            out,
            container,
            "io.retrace.examples.servlet.CatalogService",
            "-Dchild.javax=io.retrace.examples.")) {
      assertThat(app.output()).doesNotContain("unrecorded");
      exercise(app, out, route);
    }
  }

  /**
   * The servlet example's {@code main} in {@link ChildFirstMain}'s child-first loader, over the
   * class path in system property {@code container} and the example's.
   */
  private AgentProcess startChildFirst(
      Path out, String container, String main, String... childOptions) throws Exception {
    List<String> options = new ArrayList<>();
    options.add(
        "-Dchild.classpath="
            + System.getProperty(container)
            + File.pathSeparator
            + System.getProperty("retrace.examples.classpath"));
    options.add("-Dchild.main=" + main);
    options.addAll(List.of(childOptions));
    return AgentProcess.start(
        dir,
        Path.of(System.getProperty("java.home")),
        agentArgs(out),
        List.of(
            System.getProperty("retrace.test.classes"),
            jarOf(ClassReader.class),
            jarOf(ClassRemapper.class)),
        ChildFirstMain.class.getName(),
        options.toArray(String[]::new));
  }

  private static String jarOf(Class<?> type) throws Exception {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }

  private static String agentArgs(Path out) {
    return "service=catalog,out="
        + out
        + ",body.max.bytes="
        + BODY_MAX
        + ",admin.port=0,admin.token="
        + TOKEN;
  }

  private static List<String> classpath(String property) {
    return Arrays.asList(System.getProperty(property).split(File.pathSeparator));
  }

  /** The requests of one round; {@code round} names their correlation ids. */
  private Map<String, HttpResponse<byte[]>> round(String base, String round) throws Exception {
    Map<String, HttpResponse<byte[]>> answers = new LinkedHashMap<>();
    answers.put(
        "create",
        send(
            post(base + "/catalog/items", ITEM, "application/json; charset=UTF-8")
                .header("X-Request-Id", "create-" + round)));
    answers.put(
        "anonymous",
        send(
            post(
                base + "/catalog/items",
                "{\"sku\":\"TEA-2\",\"name\":\"tea\",\"price\":2}",
                "application/json")));
    answers.put("product", send(get(base + "/catalog/products/CRO-1", "product-" + round)));
    answers.put("forward", send(get(base + "/catalog/legacy/products/TEA-1", "forward-" + round)));
    answers.put(
        "quote",
        send(
            post(base + "/catalog/quote", ORDER, "text/csv")
                .header("X-Request-Id", "quote-" + round)));
    answers.put("fail", send(get(base + "/catalog/fail", "fail-" + round)));
    answers.put("async", send(get(base + "/catalog/async", "async-" + round)));
    return answers;
  }

  private void exercise(AgentProcess app, Path out) throws Exception {
    exercise(app, out, "/catalog/*");
  }

  /** {@code route}: the servlet mapping's pattern, or null where the API has no mappings. */
  private void exercise(AgentProcess app, Path out, String route) throws Exception {
    String base = "http://127.0.0.1:" + number(PORT, app.output());
    int adminPort =
        await().atMost(Duration.ofSeconds(30)).until(() -> port(ADMIN, app), p -> p > 0);
    String admin = "http://127.0.0.1:" + adminPort;

    Map<String, HttpResponse<byte[]>> idle = round(base, "idle");
    assertThat(admin(admin + "/recording/start?id=servlet-rec&window=10m").statusCode())
        .isEqualTo(200);
    Map<String, HttpResponse<byte[]>> recorded = round(base, "rec");
    assertThat(app.stop()).as(app.output()).isIn(0, 143);

    assertThat(recorded.get("create").statusCode()).as(app.output()).isEqualTo(201);
    sameAnswers(idle, recorded);
    List<RecordedEvent> events = FileSinkIT.read(out);
    assertThat(events).noneMatch(e -> String.valueOf(e.getSessionId()).endsWith("-idle"));
    assertThat(kind(events, EventKind.HTTP_SERVER)).hasSize(recorded.size());

    create(events, recorded.get("create"), base, route);
    anonymous(events, recorded.get("anonymous"));
    product(events, "product-rec", "/catalog/products/CRO-1", "CRO-1", recorded.get("product"));
    product(
        events, "forward-rec", "/catalog/legacy/products/TEA-1", "TEA-1", recorded.get("forward"));
    quote(events, recorded.get("quote"));
    fail(events, recorded.get("fail"));
    async(events, recorded.get("async"));
  }

  /**
   * The agent, idle or recording, changes nothing the client gets: status, headers and body bytes;
   * ids and times the application draws afresh are masked.
   */
  private static void sameAnswers(
      Map<String, HttpResponse<byte[]>> idle, Map<String, HttpResponse<byte[]>> recorded) {
    idle.forEach(
        (name, before) -> {
          HttpResponse<byte[]> after = recorded.get(name);
          assertThat(after.statusCode()).as(name).isEqualTo(before.statusCode());
          assertThat(headers(after)).as(name).isEqualTo(headers(before));
          if (name.equals("create") || name.equals("anonymous") || name.equals("async")) {
            assertThat(mask(after.body())).as(name).isEqualTo(mask(before.body()));
          } else {
            assertThat(after.body()).as(name).isEqualTo(before.body());
          }
        });
  }

  private static void create(
      List<RecordedEvent> events, HttpResponse<byte[]> answer, String base, String route) {
    List<RecordedEvent> session = session(events, "create-rec");
    RecordedEvent inbound = only(session, EventKind.HTTP_SERVER);
    HttpExchange in = (HttpExchange) inbound.getPayload();
    assertThat(in.getMethod()).isEqualTo("POST");
    assertThat(in.getUrl()).isEqualTo(base + "/catalog/items");
    assertThat(in.getRoute()).isEqualTo(route);
    assertThat(header(in.getRequestHeaders(), "X-Request-Id")).isEqualTo("create-rec");
    // As the container shows it to the application (Jetty writes the charset in lower case).
    assertThat(header(in.getRequestHeaders(), "Content-Type"))
        .isEqualToIgnoringCase("application/json; charset=UTF-8");
    wholeBody(in.getRequestBody(), ITEM.getBytes(UTF_8));
    assertThat(in.getRequestBody().getContentType())
        .isEqualToIgnoringCase("application/json; charset=UTF-8");
    assertThat(in.getStatus()).isEqualTo(201);
    assertThat(header(in.getResponseHeaders(), "X-Catalog-Version")).isEqualTo("1");
    assertThat(header(in.getResponseHeaders(), "Content-Type"))
        .isEqualToIgnoringCase("application/json;charset=UTF-8");
    wholeBody(in.getResponseBody(), answer.body());
    assertThat(in.getDurationNanos()).isPositive();
    assertThat(in.getError()).isNull();
    assertThat(new String(answer.body(), UTF_8)).contains("Croissant \uD83E\uDD50 crème");

    // The UUID and the clock the servlet read, and its insert, nest under the request.
    String id = field(answer, "id");
    RecordedEvent uuid = value(session, ValueSource.UUID);
    assertThat(((ValueRead) uuid.getPayload()).getValue()).isEqualTo(id);
    Instant created = Instant.parse(field(answer, "created"));
    RecordedEvent clock = value(session, ValueSource.INSTANT_NOW);
    assertThat(((ValueRead) clock.getPayload()).getValue())
        .isEqualTo(created.getEpochSecond() * 1_000_000_000L + created.getNano());
    RecordedEvent insert = only(session, EventKind.JDBC);
    JdbcCall call = (JdbcCall) insert.getPayload();
    assertThat(call.getOperation()).isEqualTo(JdbcOperation.UPDATE);
    assertThat(call.getSql()).startsWith("insert into item(");
    assertThat(call.getParameters().get(0).getValue()).isEqualTo(id);
    assertThat(call.getParameters().get(2).getValue()).isEqualTo("Croissant \uD83E\uDD50 crème");
    assertThat(List.of(uuid, clock, insert))
        .allSatisfy(
            e -> {
              assertThat(e.getParentCallId()).isEqualTo(inbound.getCallId());
              assertThat(e.getThread().getName()).isEqualTo(inbound.getThread().getName());
            });
  }

  /** Without a correlation header the session id is generated, and still holds the request. */
  private static void anonymous(List<RecordedEvent> events, HttpResponse<byte[]> answer) {
    String id = field(answer, "id");
    RecordedEvent uuid =
        kind(events, EventKind.VALUE_READ).stream()
            .filter(e -> id.equals(((ValueRead) e.getPayload()).getValue()))
            .findFirst()
            .orElseThrow();
    assertThat(uuid.getSessionId()).matches("s-[0-9a-f]{8}-\\d+");
    RecordedEvent inbound = only(session(events, uuid.getSessionId()), EventKind.HTTP_SERVER);
    HttpExchange in = (HttpExchange) inbound.getPayload();
    assertThat(header(in.getRequestHeaders(), "X-Request-Id")).isNull();
    assertThat(in.getStatus()).isEqualTo(201);
    assertThat(uuid.getParentCallId()).isEqualTo(inbound.getCallId());
    wholeBody(in.getResponseBody(), answer.body());
  }

  /**
   * A product read, directly or through a forward: one recorded request (the forward's second pass
   * through the servlet is no request of its own), its query nested under it.
   */
  private static void product(
      List<RecordedEvent> events,
      String sessionId,
      String path,
      String sku,
      HttpResponse<byte[]> answer) {
    List<RecordedEvent> session = session(events, sessionId);
    RecordedEvent inbound = only(session, EventKind.HTTP_SERVER);
    HttpExchange in = (HttpExchange) inbound.getPayload();
    assertThat(in.getMethod()).isEqualTo("GET");
    assertThat(in.getUrl()).endsWith(path);
    assertThat(in.getRequestBody()).isNull();
    assertThat(in.getStatus()).isEqualTo(200);
    wholeBody(in.getResponseBody(), answer.body());
    RecordedEvent query = only(session, EventKind.JDBC);
    JdbcCall call = (JdbcCall) query.getPayload();
    assertThat(call.getOperation()).isEqualTo(JdbcOperation.QUERY);
    assertThat(call.getParameters())
        .singleElement()
        .satisfies(p -> assertThat(p.getValue()).isEqualTo(sku));
    assertThat(call.getResultSet().getRows()).hasSize(1);
    assertThat(query.getParentCallId()).isEqualTo(inbound.getCallId());
  }

  /** Bodies over the bound: the first bytes, flagged, with the full size. */
  private static void quote(List<RecordedEvent> events, HttpResponse<byte[]> answer) {
    HttpExchange in =
        (HttpExchange) only(session(events, "quote-rec"), EventKind.HTTP_SERVER).getPayload();
    byte[] sent = ORDER.getBytes(UTF_8);
    assertThat(answer.body().length).isGreaterThan(BODY_MAX);
    assertThat(sent.length).isGreaterThan(BODY_MAX);
    cutBody(in.getRequestBody(), sent);
    cutBody(in.getResponseBody(), answer.body());
    assertThat(in.getResponseBody().getContentType())
        .isEqualToIgnoringCase("text/csv;charset=UTF-8");
    assertThat(in.getStatus()).isEqualTo(200);
  }

  /** An exception out of the servlet: 500, as the container answers, with the exception. */
  private static void fail(List<RecordedEvent> events, HttpResponse<byte[]> answer) {
    HttpExchange in =
        (HttpExchange) only(session(events, "fail-rec"), EventKind.HTTP_SERVER).getPayload();
    assertThat(answer.statusCode()).isEqualTo(500);
    assertThat(in.getStatus()).isEqualTo(500);
    assertThat(in.getError().getType()).isEqualTo(IllegalStateException.class.getName());
    assertThat(in.getError().getMessage()).isEqualTo("catalog offline");
    assertThat(in.getError().getStackTrace()).contains("CatalogServlet.doGet");
  }

  /**
   * Answered from a pool thread after service returned: recorded when the container completed the
   * request, with the status and body the client got; the pool thread's UUID belongs to the
   * request.
   */
  private static void async(List<RecordedEvent> events, HttpResponse<byte[]> answer) {
    List<RecordedEvent> session = session(events, "async-rec");
    RecordedEvent inbound = only(session, EventKind.HTTP_SERVER);
    HttpExchange in = (HttpExchange) inbound.getPayload();
    assertThat(answer.statusCode()).isEqualTo(202);
    assertThat(in.getStatus()).isEqualTo(202);
    wholeBody(in.getResponseBody(), answer.body());
    assertThat(in.getDurationNanos()).isPositive();
    RecordedEvent uuid = value(session, ValueSource.UUID);
    assertThat(((ValueRead) uuid.getPayload()).getValue()).isEqualTo(field(answer, "accepted"));
    assertThat(uuid.getParentCallId()).isEqualTo(inbound.getCallId());
  }

  private static void wholeBody(Body body, byte[] expected) {
    assertThat(bytes(body.getBytes())).isEqualTo(expected);
    assertThat(body.getTruncated()).isFalse();
    assertThat(body.getOriginalSize()).isEqualTo(expected.length);
  }

  private static void cutBody(Body body, byte[] full) {
    assertThat(bytes(body.getBytes())).isEqualTo(Arrays.copyOf(full, BODY_MAX));
    assertThat(body.getTruncated()).isTrue();
    assertThat(body.getOriginalSize()).isEqualTo(full.length);
  }

  private static RecordedEvent value(List<RecordedEvent> session, ValueSource source) {
    List<RecordedEvent> reads =
        kind(session, EventKind.VALUE_READ).stream()
            .filter(e -> ((ValueRead) e.getPayload()).getSource() == source)
            .toList();
    assertThat(reads).as("%s reads", source).hasSize(1);
    return reads.get(0);
  }

  private static String header(List<Header> headers, String name) {
    return headers.stream()
        .filter(h -> h.getName().equalsIgnoreCase(name))
        .map(Header::getValue)
        .findFirst()
        .orElse(null);
  }

  private static Map<String, List<String>> headers(HttpResponse<?> response) {
    Map<String, List<String>> headers = new TreeMap<>(response.headers().map());
    headers.remove("date");
    return headers;
  }

  private static String mask(byte[] body) {
    String text = UUID.matcher(new String(body, UTF_8)).replaceAll("<uuid>");
    return INSTANT.matcher(text).replaceAll("<instant>");
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }

  private static String field(HttpResponse<byte[]> answer, String name) {
    return FileSinkIT.field(new String(answer.body(), UTF_8), name);
  }

  private static HttpRequest.Builder post(String url, String body, String contentType) {
    return HttpRequest.newBuilder(URI.create(url))
        .header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body, UTF_8));
  }

  private static HttpRequest.Builder get(String url, String requestId) {
    return HttpRequest.newBuilder(URI.create(url)).header("X-Request-Id", requestId).GET();
  }

  private HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpResponse<String> admin(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Authorization", "Bearer " + TOKEN)
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int port(Pattern pattern, AgentProcess app) throws Exception {
    Matcher m = pattern.matcher(app.output());
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  private static int number(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    assertThat(m.find()).as("%s in %s", pattern, text).isTrue();
    return Integer.parseInt(m.group(1));
  }
}
