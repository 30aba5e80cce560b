package io.retrace.cli;

import io.retrace.schemas.config.ConfigSpec;
import io.retrace.schemas.control.CommandSigner;
import io.retrace.schemas.event.AuditAction;
import io.retrace.schemas.event.AuditEvent;
import io.retrace.schemas.event.AuditOutcome;
import io.retrace.schemas.event.CaptureAction;
import io.retrace.schemas.event.CaptureCommand;
import io.retrace.schemas.event.CaptureScope;
import io.retrace.schemas.event.RecordingInfo;
import io.retrace.schemas.event.RecordingStatus;
import io.retrace.schemas.topic.RecordingIds;
import io.retrace.schemas.topic.Topic;
import io.retrace.schemas.topic.Topics;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code retrace capture start|stop}: break-glass captures across a fleet. Commands are signed with
 * the shared control key and published to {@code retrace.control}, where agents running with {@code
 * control=true} verify and act on them; the catalog and the audit log record who asked, why, and
 * for what.
 */
@Command(
    name = "capture",
    mixinStandardHelpOptions = true,
    description = "Start or stop a signed, scoped, expiring capture across agents.",
    subcommands = {CaptureCommands.Start.class, CaptureCommands.Stop.class})
final class CaptureCommands {

  /** Signing key and who is asking, shared by start and stop. */
  static final class Issuer {
    @Mixin StackOptions stack;

    @Option(
        names = "--key-file",
        description = "File holding the shared control key (default: $RETRACE_CONTROL_KEY).")
    Path keyFile;

    @Option(
        names = "--requested-by",
        description = "Who asks (default: $USER).",
        defaultValue = "${env:USER:-unknown}")
    String requestedBy;

    @Option(
        names = "--expires",
        defaultValue = "5m",
        description = "Agents ignore the command after this (default: ${DEFAULT-VALUE}).")
    String expires;

    CommandSigner signer() throws java.io.IOException {
      String key =
          keyFile != null
              ? Files.readString(keyFile, StandardCharsets.UTF_8).trim()
              : System.getenv("RETRACE_CONTROL_KEY");
      if (key == null || key.isEmpty()) {
        throw new IllegalArgumentException(
            "no control key: pass --key-file FILE or set RETRACE_CONTROL_KEY");
      }
      return new CommandSigner(key.getBytes(StandardCharsets.UTF_8));
    }

    void publish(CaptureCommand command, RecordingInfo info, AuditEvent audit) throws Exception {
      Map<String, Object> serde = Map.of("schema.registry.url", stack.registry);
      Map<String, Object> config =
          Map.of(
              ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
              stack.bootstrap,
              ProducerConfig.ACKS_CONFIG,
              "all",
              ProducerConfig.MAX_BLOCK_MS_CONFIG,
              15_000);
      send(config, serde, Topics.CONTROL, command.getRecordingId(), command);
      if (info != null) {
        send(config, serde, Topics.RECORDINGS, info.getRecordingId(), info);
      }
      send(config, serde, Topics.AUDIT, audit.getRecordingId(), audit);
    }

    private static <V> void send(
        Map<String, Object> config,
        Map<String, Object> serde,
        Topic<String, V> topic,
        String key,
        V value)
        throws Exception {
      try (KafkaProducer<String, V> producer =
          new KafkaProducer<>(
              config, topic.keySerde().serializer(), topic.valueSerde(serde).serializer())) {
        producer.send(new ProducerRecord<>(topic.name(), key, value)).get();
      }
    }

    CaptureCommand command(
        String recordingId,
        CaptureAction action,
        CaptureScope scope,
        Duration window,
        String reason,
        String ticket) {
      Instant now = Instant.now();
      return CaptureCommand.newBuilder()
          .setCommandId(UUID.randomUUID().toString())
          .setRecordingId(recordingId)
          .setAction(action)
          .setScope(scope)
          .setWindowMillis(window.toMillis())
          .setIssuedMicros(now)
          .setExpiresMicros(now.plus(ConfigSpec.parseDuration(expires)))
          .setRequestedBy(requestedBy)
          .setReason(reason)
          .setTicket(ticket)
          .setSignature(ByteBuffer.allocate(0))
          .build();
    }

    AuditEvent audit(AuditAction action, CaptureCommand command) {
      return AuditEvent.newBuilder()
          .setAuditId(UUID.randomUUID().toString())
          .setTimeMicros(Instant.now())
          .setActor(requestedBy)
          .setAction(action)
          .setRecordingId(command.getRecordingId())
          .setReason(command.getReason())
          .setOutcome(AuditOutcome.SUCCEEDED)
          .setDetail(
              Map.of(
                  "commandId", command.getCommandId(),
                  "service", command.getScope().getService(),
                  "expires", command.getExpiresMicros().toString()))
          .build();
    }
  }

  @Command(
      name = "start",
      mixinStandardHelpOptions = true,
      description = {
        "Ask agents of a service to record, for a window, optionally narrowed to hosts, pods and",
        "correlation ids. Prints the recording id.",
        "Example: retrace capture start --service checkout --pod checkout-7d9f",
        "           --correlation-id req-42 --window 60s --reason 'INC-42 5xx' --ticket INC-42"
      })
  static final class Start implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Issuer issuer;

    @Option(names = "--service", required = true, description = "Service whose agents record.")
    String service;

    @Option(names = "--host", description = "Only agents on this host (repeatable).")
    List<String> hosts = new ArrayList<>();

    @Option(names = "--pod", description = "Only agents in this pod (repeatable).")
    List<String> pods = new ArrayList<>();

    @Option(names = "--correlation-id", description = "Only these sessions (repeatable).")
    List<String> correlationIds = new ArrayList<>();

    @Option(
        names = "--sample-rate",
        defaultValue = "1.0",
        description = "Fraction of sessions (default: ${DEFAULT-VALUE}).")
    double sampleRate;

    @Option(
        names = "--window",
        defaultValue = "60s",
        description =
            "How long to record (default: ${DEFAULT-VALUE}); agents cap it at their max.window.")
    String window;

    @Option(
        names = "--reason",
        required = true,
        description = "Why: kept in the catalog and the audit log.")
    String reason;

    @Option(names = "--ticket", description = "Incident or ticket reference.")
    String ticket;

    @Option(names = "--recording", description = "Recording id (default: <service>-<date>-<time>).")
    String recording;

    @Override
    public Integer call() throws Exception {
      if (sampleRate <= 0 || sampleRate > 1) {
        throw new IllegalArgumentException("--sample-rate must be in (0, 1], was " + sampleRate);
      }
      String id =
          recording != null
              ? RecordingIds.requireValid(recording)
              : RecordingIds.requireValid(
                  service
                      + "-"
                      + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
      Duration windowLength = ConfigSpec.parseDuration(window);
      CaptureScope scope =
          CaptureScope.newBuilder()
              .setService(service)
              .setHosts(hosts)
              .setPods(pods)
              .setCorrelationIds(correlationIds)
              .setSampleRate(sampleRate)
              .build();
      CaptureCommand command =
          issuer
              .signer()
              .sign(issuer.command(id, CaptureAction.START, scope, windowLength, reason, ticket));
      Instant now = Instant.now();
      RecordingInfo info =
          RecordingInfo.newBuilder()
              .setRecordingId(id)
              .setRequestedBy(issuer.requestedBy)
              .setReason(reason)
              .setTicket(ticket)
              .setScope(scope)
              .setWindowStartMicros(now)
              .setWindowEndMicros(now.plus(windowLength))
              .setStatus(RecordingStatus.REQUESTED)
              .setUpdatedMicros(now)
              .build();
      issuer.publish(command, info, issuer.audit(AuditAction.CAPTURE_START, command));
      PrintWriter out = spec.commandLine().getOut();
      out.println(id);
      out.flush();
      spec.commandLine()
          .getErr()
          .println(
              "retrace: capture "
                  + id
                  + " requested for service "
                  + service
                  + ", window "
                  + window
                  + "; agents act on it until "
                  + command.getExpiresMicros());
      return 0;
    }
  }

  @Command(
      name = "stop",
      mixinStandardHelpOptions = true,
      description = "Ask agents to stop a capture now.")
  static final class Stop implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Issuer issuer;

    @Parameters(index = "0", paramLabel = "RECORDING", description = "The recording to stop.")
    String recording;

    @Option(names = "--service", required = true, description = "Service whose agents record it.")
    String service;

    @Option(names = "--reason", defaultValue = "stopped by operator", description = "Why.")
    String reason;

    @Override
    public Integer call() throws Exception {
      CaptureCommand command =
          issuer
              .signer()
              .sign(
                  issuer.command(
                      RecordingIds.requireValid(recording),
                      CaptureAction.STOP,
                      CaptureScope.newBuilder().setService(service).build(),
                      Duration.ZERO,
                      reason,
                      null));
      issuer.publish(command, null, issuer.audit(AuditAction.CAPTURE_STOP, command));
      spec.commandLine().getErr().println("retrace: stop requested for " + recording);
      return 0;
    }
  }
}
