package io.retrace.agent;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.retrace.schemas.control.CommandSigner;
import io.retrace.schemas.event.AuditEvent;
import io.retrace.schemas.event.AuditOutcome;
import io.retrace.schemas.event.CaptureAction;
import io.retrace.schemas.event.CaptureCommand;
import io.retrace.schemas.event.CaptureScope;
import io.retrace.schemas.event.EventKind;
import io.retrace.schemas.event.Marker;
import io.retrace.schemas.event.MarkerType;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.topic.Topics;
import io.retrace.testkit.AgentProcess;
import io.retrace.testkit.RetraceStackExtension;
import io.retrace.testkit.TestStack;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** What starts and stops a recording: the admin endpoint, its window, signed commands. */
@ExtendWith(RetraceStackExtension.class)
class TriggersIT {
  private static final String TOKEN = "admin-token-0123456789";
  private static final String KEY = "fleet-capture-key-0123456789abcdef";

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void theAdminEndpointStartsAndStopsARecordingBehindItsToken() throws Exception {
    Path out = dir.resolve("events.avro");
    int adminPort = freePort();
    try (AgentProcess app =
        AgentProcess.start(
            dir,
            "service=orders,out=" + out + ",admin.port=" + adminPort + ",admin.token=" + TOKEN)) {
      String admin = "http://127.0.0.1:" + adminPort;
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(() -> call("GET", admin + "/status", TOKEN).statusCode() == 200);
      assertThat(call("POST", admin + "/recording/start?id=adm-1", null).statusCode())
          .isEqualTo(401);
      assertThat(
              call("POST", admin + "/recording/start?id=adm-1", "wrong-token-000000000")
                  .statusCode())
          .isEqualTo(401);
      app.post("/orders", "before-start", "{\"product\":1,\"qty\":1}");

      // The agent waited for a trigger: this first start instruments the application, and
      // answers once the recording has begun, so the very next request is recorded whole.
      HttpResponse<String> started =
          call("POST", admin + "/recording/start?id=adm-1&window=10m", TOKEN);
      assertThat(started.statusCode()).isEqualTo(200);
      assertThat(started.body())
          .contains("\"recording\":\"adm-1\"")
          .containsPattern("\"startedAt\":\"[0-9T:.-]+Z\"");
      assertThat(call("GET", admin + "/status", TOKEN).body()).contains("\"recording\":\"adm-1\"");
      assertThat(app.post("/orders", "while-recording", "{\"product\":1,\"qty\":1}").statusCode())
          .isEqualTo(201);
      assertThat(call("POST", admin + "/recording/stop", TOKEN).body())
          .contains("\"stopped\":\"adm-1\"");
      app.post("/orders", "after-stop", "{\"product\":1,\"qty\":1}");
      assertThat(call("GET", admin + "/metrics", TOKEN).body())
          .contains("retrace_agent_captured_total");
      app.stop();
    }
    List<RecordedEvent> events = FileSinkIT.read(out);
    assertThat(events)
        .extracting(RecordedEvent::getSessionId)
        .contains("while-recording")
        .doesNotContain("before-start", "after-stop");
    assertThat(events).allSatisfy(e -> assertThat(e.getRecordingId()).isEqualTo("adm-1"));
    assertThat(markers(events))
        .containsExactly(MarkerType.RECORDING_START, MarkerType.RECORDING_STOP);
  }

  @Test
  void aWindowEndsTheRecordingByItself() throws Exception {
    Path out = dir.resolve("window.avro");
    int adminPort = freePort();
    try (AgentProcess app =
        AgentProcess.start(
            dir,
            "service=orders,out="
                + out
                + ",admin.port="
                + adminPort
                + ",admin.token="
                + TOKEN
                + ",max.window=2s")) {
      String admin = "http://127.0.0.1:" + adminPort;
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(() -> call("GET", admin + "/status", TOKEN).statusCode() == 200);
      // Asks for an hour; max.window caps it at two seconds.
      assertThat(call("POST", admin + "/recording/start?id=win-1&window=1h", TOKEN).statusCode())
          .isEqualTo(200);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> call("GET", admin + "/status", TOKEN).body().contains("\"recording\":null"));
      app.stop();
    }
    List<RecordedEvent> events = FileSinkIT.read(out);
    assertThat(events)
        .filteredOn(
            e -> e.getPayload() instanceof Marker m && m.getType() == MarkerType.RECORDING_STOP)
        .singleElement()
        .satisfies(
            e -> assertThat(((Marker) e.getPayload()).getReason()).isEqualTo("window of 2s ended"));
  }

  @Test
  void onlyASignedUnexpiredInScopeCommandStartsACaptureAndEveryDecisionIsAudited(TestStack stack)
      throws Exception {
    String service = stack.uniqueName("checkout");
    String valid = stack.uniqueName("bg-valid");
    String forged = stack.uniqueName("bg-forged");
    String expired = stack.uniqueName("bg-expired");
    String otherPod = stack.uniqueName("bg-other-pod");
    CommandSigner signer = new CommandSigner(KEY.getBytes(UTF_8));
    Instant now = Instant.now();
    try (AgentProcess app =
        AgentProcess.start(
            dir,
            "service="
                + service
                + ",pod=pod-a,control=true,control.key="
                + KEY
                + ",bootstrap="
                + stack.bootstrapServers()
                + ",registry="
                + stack.registryUrl())) {
      try (KafkaProducer<String, CaptureCommand> producer = stack.producer(Topics.CONTROL)) {
        send(
            producer,
            new CommandSigner("someone-elses-key-0123456789abcd".getBytes(UTF_8))
                .sign(command(forged, service, List.of(), now.plusSeconds(300))));
        send(producer, signer.sign(command(expired, service, List.of(), now.minusSeconds(1))));
        send(
            producer,
            signer.sign(command(otherPod, service, List.of("pod-b"), now.plusSeconds(300))));
        send(
            producer, signer.sign(command(valid, service, List.of("pod-a"), now.plusSeconds(300))));
      }
      Map<String, AuditEvent> audits =
          await()
              .atMost(Duration.ofSeconds(60))
              .until(() -> audits(stack, service), a -> a.size() == 4);
      assertThat(audits.get(forged).getOutcome()).isEqualTo(AuditOutcome.REJECTED);
      assertThat(audits.get(forged).getDetail())
          .containsEntry("decision", "signature does not verify");
      assertThat(audits.get(expired).getOutcome()).isEqualTo(AuditOutcome.REJECTED);
      assertThat(audits.get(expired).getDetail().get("decision")).startsWith("expired at");
      assertThat(audits.get(otherPod).getOutcome()).isEqualTo(AuditOutcome.REJECTED);
      assertThat(audits.get(otherPod).getDetail())
          .containsEntry("decision", "pod pod-a is not in scope");
      assertThat(audits.get(valid).getOutcome()).isEqualTo(AuditOutcome.ACCEPTED);
      assertThat(audits.get(valid).getActor()).contains(service).contains("pod-a");
      // Audited once the recording has begun, with the time it did.
      assertThat(Instant.parse(audits.get(valid).getDetail().get("startedAt")))
          .isBetween(now, audits.get(valid).getTimeMicros());

      assertThat(app.post("/orders", "bg-req", "{\"product\":1,\"qty\":1}").statusCode())
          .isEqualTo(201);
      app.stop();
    }
    assertThat(stack.readToEnd(Topics.recording(valid, 3)))
        .map(ConsumerRecord::value)
        .anyMatch(e -> "bg-req".equals(e.getSessionId()) && e.getKind() == EventKind.HTTP_SERVER);
    List<String> topics = List.copyOf(stack.admin().listTopics().names().get());
    for (String rejected : List.of(forged, expired, otherPod)) {
      assertThat(topics).doesNotContain(Topics.RECORDING_PREFIX + rejected);
    }
  }

  private static CaptureCommand command(
      String recordingId, String service, List<String> pods, Instant expires) {
    return CaptureCommand.newBuilder()
        .setCommandId("cmd-" + recordingId)
        .setRecordingId(recordingId)
        .setAction(CaptureAction.START)
        .setScope(CaptureScope.newBuilder().setService(service).setPods(pods).build())
        .setWindowMillis(60_000)
        .setIssuedMicros(Instant.now())
        .setExpiresMicros(expires)
        .setRequestedBy("sre@example.com")
        .setReason("INC-7 checkout latency")
        .setTicket("INC-7")
        .setSignature(ByteBuffer.allocate(0))
        .build();
  }

  private static void send(KafkaProducer<String, CaptureCommand> producer, CaptureCommand command)
      throws Exception {
    producer
        .send(new ProducerRecord<>(Topics.CONTROL.name(), command.getRecordingId(), command))
        .get();
  }

  private static Map<String, AuditEvent> audits(TestStack stack, String service) {
    return stack.readToEnd(Topics.AUDIT).stream()
        .map(ConsumerRecord::value)
        .filter(a -> a.getActor().contains(service))
        .collect(Collectors.toMap(AuditEvent::getRecordingId, a -> a, (a, b) -> b));
  }

  private static List<MarkerType> markers(List<RecordedEvent> events) {
    return events.stream()
        .sorted(java.util.Comparator.comparingLong(RecordedEvent::getSequence))
        .filter(e -> e.getPayload() instanceof Marker)
        .map(e -> ((Marker) e.getPayload()).getType())
        .toList();
  }

  private HttpResponse<String> call(String method, String url, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url)).method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
