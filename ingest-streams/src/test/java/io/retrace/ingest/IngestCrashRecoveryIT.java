package io.retrace.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.event.RecordingInfo;
import io.retrace.schemas.topic.Topic;
import io.retrace.schemas.topic.Topics;
import io.retrace.testkit.EventBuilder;
import io.retrace.testkit.Events;
import io.retrace.testkit.RetraceStackExtension;
import io.retrace.testkit.TestStack;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly-once across a crash: the app runs in a child JVM that is SIGKILLed while events are still
 * arriving, then started again on the same state dir; every input event must be in the events topic
 * (read_committed) exactly once, and the catalog must have counted each once.
 */
@ExtendWith(RetraceStackExtension.class)
class IngestCrashRecoveryIT {
  private static final Logger log = LoggerFactory.getLogger(IngestCrashRecoveryIT.class);
  private static final int EVENTS = 4000;

  @Test
  void killedMidStreamAndRestartedTheAppWritesEveryEventExactlyOnce(TestStack stack)
      throws Exception {
    String prefix = stack.uniqueName("ingest-eos");
    IngestTopics topics = IngestTopics.prefixed(prefix);
    List<Topic<String, RecordedEvent>> raws =
        List.of(rawTopic(stack, topics, "rec-a", 3), rawTopic(stack, topics, "rec-b", 2));
    // Under target/, not a temp dir, so the children's logs are there to read after a failure.
    Path dir = Files.createDirectories(Path.of("target", "crash-recovery-it", prefix));
    Path stateDir = dir.resolve("state");

    Process first = startChild(stack, prefix, stateDir, dir.resolve("first.log"));
    CompletableFuture<Set<String>> produced =
        CompletableFuture.supplyAsync(() -> produce(stack, topics, raws));
    try {
      await()
          .atMost(Duration.ofSeconds(90))
          .failFast("the app exited", () -> !first.isAlive())
          .until(() -> IngestIT.committedEvents(stack, topics).size() >= EVENTS / 5);
    } finally {
      first.destroyForcibly().waitFor();
    }
    int atKill = IngestIT.committedEvents(stack, topics).size();
    log.info("Killed the app with {} of {} events committed", atKill, EVENTS);

    Process second = startChild(stack, prefix, stateDir, dir.resolve("second.log"));
    try {
      Set<String> sent = produced.get();
      assertThat(sent).hasSize(EVENTS);
      await()
          .atMost(Duration.ofSeconds(120))
          .failFast("the app exited", () -> !second.isAlive())
          .untilAsserted(
              () ->
                  assertThat(IngestIT.committedEvents(stack, topics))
                      .hasSizeGreaterThanOrEqualTo(EVENTS));
      List<ConsumerRecord<String, RecordedEvent>> out = IngestIT.committedEvents(stack, topics);
      assertThat(out).hasSize(EVENTS);
      assertThat(out.stream().map(r -> r.value().getEventId()).collect(Collectors.toSet()))
          .isEqualTo(sent);
      assertThat(atKill).as("killed mid-stream").isLessThan(EVENTS);
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  assertThat(catalogEventCounts(stack, topics))
                      .isEqualTo(Map.of("rec-a", 2000L, "rec-b", 2000L)));
      assertThat(stack.readToEnd(topics.dlq(), Serdes.ByteArray(), Serdes.ByteArray(), true))
          .as("no event was rejected after the restart (e.g. as a repeated sequence)")
          .isEmpty();
    } finally {
      second.destroy();
      second.waitFor();
    }
  }

  private static Topic<String, RecordedEvent> rawTopic(
      TestStack stack, IngestTopics topics, String id, int partitions) {
    Topic<String, RecordedEvent> topic =
        Topic.avro(
            topics.raw(id),
            RecordedEvent.class,
            new io.retrace.schemas.topic.TopicSpec(partitions, Map.of()));
    stack.createTopic(topic);
    return topic;
  }

  /**
   * Produces {@link #EVENTS} events over a few seconds, half to each recording. The first 200 wait
   * until the app has committed one: the rest then arrive while the app runs, however soon it
   * starts and however fast it catches up, so the kill always lands mid-stream.
   */
  private static Set<String> produce(
      TestStack stack, IngestTopics topics, List<Topic<String, RecordedEvent>> raws) {
    Map<String, EventBuilder> agents = new HashMap<>();
    List<String> ids = new ArrayList<>();
    try (KafkaProducer<String, RecordedEvent> producer = stack.producer(raws.get(0))) {
      for (int i = 0; i < EVENTS; i++) {
        Topic<String, RecordedEvent> raw = raws.get(i % 2);
        String recording = topicsRecording(raw.name());
        String session = "s" + (i / 2) % 50;
        EventBuilder agent =
            agents.computeIfAbsent(recording, r -> Events.event().recording(r).service("svc-" + r));
        RecordedEvent event = agent.session(session).uuid(java.util.UUID.randomUUID());
        producer.send(new ProducerRecord<>(raw.name(), session, event));
        ids.add(event.getEventId());
        if (i % 200 == 199) {
          producer.flush();
          // Paced so input keeps arriving while the app is killed and restarted.
          Thread.sleep(100);
        }
        if (i == 199) {
          await()
              .atMost(Duration.ofSeconds(90))
              .until(() -> !IngestIT.committedEvents(stack, topics).isEmpty());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return Set.copyOf(ids);
  }

  private static String topicsRecording(String topic) {
    return topic.substring(topic.lastIndexOf(".rec.") + ".rec.".length());
  }

  private static Map<String, Long> catalogEventCounts(TestStack stack, IngestTopics topics) {
    Map<String, Long> counts = new HashMap<>();
    for (ConsumerRecord<String, RecordingInfo> r :
        stack.readToEnd(
            topics.recordings(),
            Serdes.String(),
            Topics.RECORDINGS.valueSerde(stack.serdeConfig()),
            true)) {
      counts.put(r.key(), r.value().getEventCount());
    }
    return counts;
  }

  /** The stand-alone app in its own JVM, its output in {@code logFile}. */
  private static Process startChild(TestStack stack, String prefix, Path stateDir, Path logFile)
      throws Exception {
    Files.createDirectories(stateDir);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:+UseSerialGC");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    Map<String, String> settings =
        Map.of(
            "bootstrap.servers",
            stack.bootstrapServers(),
            "schema.registry.url",
            stack.registryUrl(),
            "application.id",
            prefix,
            "topics.prefix",
            prefix,
            "state.dir",
            stateDir.toString(),
            "metrics.port",
            "-1",
            "hmac.key",
            "crash-recovery-test-key-0123456789",
            "consumer.session.timeout",
            "6s");
    settings.forEach((k, v) -> command.add("-Dretrace." + k + "=" + v));
    command.add(IngestMain.class.getName());
    File log = logFile.toFile();
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log))
        .start();
  }
}
