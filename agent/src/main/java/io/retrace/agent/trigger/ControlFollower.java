package io.retrace.agent.trigger;

import io.retrace.agent.AgentContext;
import io.retrace.agent.bootstrap.Dispatch;
import io.retrace.agent.capture.SessionIds;
import io.retrace.schemas.control.CommandSigner;
import io.retrace.schemas.event.AuditAction;
import io.retrace.schemas.event.AuditEvent;
import io.retrace.schemas.event.AuditOutcome;
import io.retrace.schemas.event.CaptureAction;
import io.retrace.schemas.event.CaptureCommand;
import io.retrace.schemas.serde.AvroDeserializer;
import io.retrace.schemas.serde.AvroSerializer;
import io.retrace.schemas.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Follows {@code retrace.control} for break-glass captures ({@code control=true}): a command is
 * acted on only if its signature verifies with the shared key, it has not expired and its scope
 * names this agent; every decision about a command for this service is written to {@code
 * retrace.audit} with its reason.
 */
public final class ControlFollower implements AutoCloseable {
  private static final Logger log = Logger.getLogger(ControlFollower.class.getName());

  private final RecordingControl control;
  private final CommandSigner signer;
  private final String service;
  private final String host;
  private final String pod;
  private final String actor;
  private final KafkaConsumer<String, CaptureCommand> consumer;
  private final KafkaProducer<String, AuditEvent> audit;
  private final Set<String> handled = new HashSet<>();
  private final Thread thread;
  private volatile boolean running = true;

  public ControlFollower(
      String bootstrap,
      String registryUrl,
      RecordingControl control,
      CommandSigner signer,
      String service,
      String host,
      String pod,
      String agentId) {
    this.control = control;
    this.signer = signer;
    this.service = service;
    this.host = host;
    this.pod = pod;
    this.actor = "agent:" + service + "@" + host + (pod.isEmpty() ? "" : "/" + pod) + "#" + agentId;
    // Kafka's clients, the Avro deserializer and the control thread all take the agent's class
    // loader as their context class loader.
    try (AgentContext ignored = AgentContext.enter()) {
      Map<String, Object> config = new HashMap<>();
      config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      config.put("schema.registry.url", registryUrl);
      config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      config.put(ConsumerConfig.CLIENT_ID_CONFIG, "retrace-agent-control");
      AvroDeserializer<CaptureCommand> commands = new AvroDeserializer<>();
      Map<String, Object> deserializerConfig = new HashMap<>(config);
      deserializerConfig.put("specific.avro.value.type", CaptureCommand.class.getName());
      commands.configure(deserializerConfig, false);
      this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), commands);
      Map<String, Object> producerConfig = new HashMap<>();
      producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
      producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, "retrace-agent-audit");
      producerConfig.put("schema.registry.url", registryUrl);
      AvroSerializer<AuditEvent> auditValues = new AvroSerializer<>();
      auditValues.configure(producerConfig, false);
      this.audit = new KafkaProducer<>(producerConfig, new StringSerializer(), auditValues);
      this.thread = new Thread(this::run, "retrace-control");
    }
    thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  private void run() {
    Dispatch.suppressCurrentThread();
    try {
      List<TopicPartition> partitions =
          consumer.partitionsFor(Topics.CONTROL.name(), Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      // Compacted: from the beginning holds the latest command per recording; expired ones are
      // rejected by their expiry, so a restarted agent re-joins only captures still in force.
      consumer.seekToBeginning(partitions);
      while (running) {
        for (ConsumerRecord<String, CaptureCommand> record :
            consumer.poll(Duration.ofMillis(500))) {
          if (record.value() != null && handled.add(record.value().getCommandId())) {
            apply(record.value());
          }
        }
      }
    } catch (org.apache.kafka.common.errors.WakeupException closing) {
      // close() woke the consumer up
    } catch (Throwable t) {
      log.log(Level.WARNING, "Retrace stopped following capture commands", t);
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  void apply(CaptureCommand command) {
    CommandDecision decision =
        CommandDecision.decide(command, Instant.now(), signer, service, host, pod);
    AuditOutcome outcome = decision.accepted() ? AuditOutcome.ACCEPTED : AuditOutcome.REJECTED;
    Map<String, String> detail = new HashMap<>();
    detail.put("decision", decision.reason());
    if (decision.accepted()) {
      if (command.getAction() == CaptureAction.START) {
        try {
          // Returns once the recording has begun: the audit record says since when.
          RecordingControl.Status started =
              control.start(
                  command.getRecordingId(),
                  Duration.ofMillis(command.getWindowMillis()),
                  new SessionIds.Scope(
                      Set.copyOf(command.getScope().getCorrelationIds()),
                      command.getScope().getSampleRate()));
          detail.put("startedAt", started.startedAt().toString());
          detail.put("endsAt", String.valueOf(started.endsAt()));
        } catch (IllegalStateException e) {
          outcome = AuditOutcome.FAILED;
          detail.put("decision", "accepted, but this agent cannot record: " + e.getMessage());
          log.log(
              Level.WARNING,
              "Retrace could not start capture {0}: {1}",
              new Object[] {command.getCommandId(), e.getMessage()});
        }
      } else if (command.getRecordingId().equals(control.status().recordingId())) {
        control.stop("stop command " + command.getCommandId() + " by " + command.getRequestedBy());
      }
    } else {
      log.log(
          decision.audited() ? Level.WARNING : Level.FINE,
          "Retrace rejected capture command {0}: {1}",
          new Object[] {command.getCommandId(), decision.reason()});
    }
    if (decision.audited()) {
      detail.put("commandId", command.getCommandId());
      detail.put("command", command.getAction().name());
      detail.put("requestedBy", command.getRequestedBy());
      if (command.getTicket() != null) {
        detail.put("ticket", command.getTicket());
      }
      audit.send(
          new ProducerRecord<>(
              Topics.AUDIT.name(),
              command.getRecordingId(),
              new AuditEvent(
                  actor + ":" + command.getCommandId(),
                  Instant.now(),
                  actor,
                  AuditAction.CAPTURE_COMMAND,
                  command.getRecordingId(),
                  command.getReason(),
                  outcome,
                  detail)));
      audit.flush();
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    consumer.wakeup();
    thread.join(5_000);
    audit.close(Duration.ofSeconds(5));
  }
}
