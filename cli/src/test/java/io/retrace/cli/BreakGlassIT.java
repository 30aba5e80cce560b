package io.retrace.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.retrace.schemas.event.AuditAction;
import io.retrace.schemas.event.AuditEvent;
import io.retrace.schemas.event.CaptureCommand;
import io.retrace.schemas.event.EventKind;
import io.retrace.schemas.event.Marker;
import io.retrace.schemas.event.MarkerType;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.event.RecordingInfo;
import io.retrace.schemas.event.RecordingStatus;
import io.retrace.schemas.topic.Topics;
import io.retrace.testkit.AgentProcess;
import io.retrace.testkit.RetraceStackExtension;
import io.retrace.testkit.TestStack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Break-glass from end to end: an operator runs {@code retrace capture start} for one service and
 * one correlation id; the service's agent, following the control topic, records exactly that
 * request; {@code retrace capture stop} ends it; the catalog and the audit log say who and why.
 */
@ExtendWith(RetraceStackExtension.class)
class BreakGlassIT {
  private static final String KEY = "fleet-capture-key-0123456789abcdef";

  @TempDir Path dir;

  @Test
  void aSignedCaptureRecordsOneCorrelationIdAndIsAudited(TestStack stack) throws Exception {
    String service = stack.uniqueName("payments");
    String recording = stack.uniqueName("inc-77");
    Path keyFile = Files.writeString(dir.resolve("control.key"), KEY + "\n", UTF_8);
    String[] stackOptions = {
      "--bootstrap", stack.bootstrapServers(), "--registry", stack.registryUrl()
    };
    try (AgentProcess app =
        AgentProcess.start(
            dir,
            "service="
                + service
                + ",control=true,control.key="
                + KEY
                + ",bootstrap="
                + stack.bootstrapServers()
                + ",registry="
                + stack.registryUrl())) {
      Result started =
          run(
              concat(
                  new String[] {
                    "capture",
                    "start",
                    "--service",
                    service,
                    "--correlation-id",
                    "req-wanted",
                    "--window",
                    "5m",
                    "--reason",
                    "INC-77 payment failures",
                    "--ticket",
                    "INC-77",
                    "--recording",
                    recording,
                    "--key-file",
                    keyFile.toString(),
                    "--requested-by",
                    "sre-on-call"
                  },
                  stackOptions));
      assertThat(started.exitCode()).as(started.err()).isZero();
      assertThat(started.out().trim()).isEqualTo(recording);

      // The agent picks the command up asynchronously: wait until a wanted request is recorded.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                app.post("/orders", "req-wanted", "{\"product\":1,\"qty\":1}");
                return sessionsRecorded(stack, recording).contains("req-wanted");
              });
      app.post("/orders", "req-other", "{\"product\":2,\"qty\":1}");

      Result stopped =
          run(
              concat(
                  new String[] {
                    "capture",
                    "stop",
                    recording,
                    "--service",
                    service,
                    "--key-file",
                    keyFile.toString(),
                    "--requested-by",
                    "sre-on-call"
                  },
                  stackOptions));
      assertThat(stopped.exitCode()).as(stopped.err()).isZero();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  stack.readToEnd(Topics.recording(recording, 3)).stream()
                      .map(ConsumerRecord::value)
                      .anyMatch(
                          e ->
                              e.getPayload() instanceof Marker m
                                  && m.getType() == MarkerType.RECORDING_STOP));
      app.stop();
    }

    assertThat(sessionsRecorded(stack, recording))
        .contains("req-wanted")
        .doesNotContain("req-other");
    CaptureCommand stop =
        stack.readToEnd(Topics.CONTROL).stream()
            .map(ConsumerRecord::value)
            .filter(c -> c.getRecordingId().equals(recording))
            .reduce((a, b) -> b)
            .orElseThrow();
    assertThat(stop.getRequestedBy()).isEqualTo("sre-on-call");
    RecordingInfo info =
        stack.readToEnd(Topics.RECORDINGS).stream()
            .map(ConsumerRecord::value)
            .filter(r -> r.getRecordingId().equals(recording))
            .findFirst()
            .orElseThrow();
    assertThat(info.getStatus()).isEqualTo(RecordingStatus.REQUESTED);
    assertThat(info.getReason()).isEqualTo("INC-77 payment failures");
    assertThat(info.getTicket()).isEqualTo("INC-77");
    assertThat(info.getScope().getCorrelationIds()).containsExactly("req-wanted");
    List<AuditEvent> audit =
        stack.readToEnd(Topics.AUDIT).stream()
            .map(ConsumerRecord::value)
            .filter(a -> recording.equals(a.getRecordingId()))
            .toList();
    assertThat(audit)
        .extracting(AuditEvent::getAction)
        .contains(AuditAction.CAPTURE_START, AuditAction.CAPTURE_COMMAND, AuditAction.CAPTURE_STOP);
    assertThat(audit)
        .filteredOn(a -> a.getAction() == AuditAction.CAPTURE_START)
        .singleElement()
        .satisfies(a -> assertThat(a.getActor()).isEqualTo("sre-on-call"));
  }

  @Test
  void startWithoutAKeyFailsWithAClearMessage() {
    Result result = run("capture", "start", "--service", "s", "--reason", "r");
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("no control key");
  }

  private static List<String> sessionsRecorded(TestStack stack, String recording) {
    if (!topicExists(stack, Topics.RECORDING_PREFIX + recording)) {
      return List.of();
    }
    return stack.readToEnd(Topics.recording(recording, 3)).stream()
        .map(ConsumerRecord::value)
        .filter(e -> e.getKind() == EventKind.HTTP_SERVER)
        .map(RecordedEvent::getSessionId)
        .toList();
  }

  private static boolean topicExists(TestStack stack, String topic) {
    try {
      return stack.admin().listTopics().names().get().contains(topic);
    } catch (Exception e) {
      return false;
    }
  }

  private record Result(int exitCode, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Retrace.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
