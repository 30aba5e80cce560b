package io.retrace.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.topic.Topics;
import io.retrace.stack.EmbeddedStack;
import io.retrace.stack.StackConfig;
import io.retrace.testkit.Events;
import io.retrace.testkit.RetraceStackExtension;
import io.retrace.testkit.TestStack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The archiver inside the stack, and {@code retrace retention run}, on the shared test broker. */
@ExtendWith(RetraceStackExtension.class)
class ArchiverStageIT {
  @TempDir Path dataDir;

  @Test
  void anEventIsVisibleInTheArchiveWithin30Seconds(TestStack stack) throws Exception {
    String recording = stack.uniqueName("stage");
    StackConfig config = new StackConfig(dataDir, StackConfig.DEFAULT_HOST, 0, 0);
    try (EmbeddedStack up =
        EmbeddedStack.attach(stack.bootstrapServers(), config, List.of(new ArchiverStage()))) {
      RecordedEvent event = Events.event().recording(recording).httpServer("GET", "/x", 200);
      // Through the stack's own registry, as an agent of `retrace up` would.
      try (KafkaProducer<String, RecordedEvent> producer =
          new KafkaProducer<>(
              stack.producerConfig(),
              Topics.EVENTS.keySerde().serializer(),
              Topics.EVENTS
                  .valueSerde(Map.of("schema.registry.url", up.registryUrl()))
                  .serializer())) {
        producer.send(new ProducerRecord<>(Topics.EVENTS.name(), recording + "|s", event)).get();
      }
      Path folder =
          config
              .archiveDir()
              .resolve("events/service=orders/date=2026-11-28/recording=" + recording);
      await().atMost(Duration.ofSeconds(30)).until(() -> parquetFiles(folder) == 1);
    }
  }

  @Test
  void retentionRunReportsAndExitsZeroOrTwo(TestStack stack) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Retrace.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code =
        cli.execute(
            "retention",
            "run",
            "--dry-run",
            "--archive",
            dataDir.resolve("archive").toUri().toString(),
            "--bootstrap",
            stack.bootstrapServers(),
            "--registry",
            stack.registryUrl());
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).contains("Reading the archive").contains("Would delete");

    int bad = cli.execute("retention", "run", "--archive", "ftp://nowhere");
    assertThat(bad).isEqualTo(2);
    assertThat(err.toString()).contains("archive.uri=ftp://nowhere");
  }

  private static long parquetFiles(Path folder) throws Exception {
    if (!Files.isDirectory(folder)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".parquet")).count();
    }
  }
}
