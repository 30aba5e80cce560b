package io.retrace.ingest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.retrace.schemas.config.Setting;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.topic.Topic;
import io.retrace.testkit.EventBuilder;
import io.retrace.testkit.Events;
import io.retrace.testkit.RetraceStackExtension;
import io.retrace.testkit.ServiceJar;
import io.retrace.testkit.TestStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code retrace-ingest.jar} run the way an operator runs it: {@code java -jar} on its
 * own JVM, settings from a file and the environment, HTTP health and metrics, SIGTERM.
 */
@ExtendWith(RetraceStackExtension.class)
class IngestJarIT {
  private static final Path JAR = Path.of(System.getProperty("retrace.ingest.jar"));

  @TempDir Path dir;

  @Test
  void runsFromAConfigFileAndTheEnvironmentAndStopsWithZeroOnSigterm(TestStack stack)
      throws Exception {
    String prefix = stack.uniqueName("ingest-jar");
    IngestTopics topics = IngestTopics.prefixed(prefix);
    // Created before the app starts, so that its first assignment already holds the topic.
    Topic<String, RecordedEvent> raw = IngestIT.rawTopic(stack, topics, "jar-rec");
    int port = ServiceJar.freePort();
    Path config =
        properties(
            "bootstrap.servers=" + stack.bootstrapServers(),
            "application.id=" + prefix,
            "topics.prefix=" + prefix,
            "state.dir=" + dir.resolve("state"),
            "metrics.port=-1",
            "hmac.key=ingest-jar-it-key-0123456789");

    try (ServiceJar app =
        ServiceJar.start(
            JAR,
            dir,
            Map.of("RETRACE_SCHEMA_REGISTRY_URL", stack.registryUrl()),
            "--config",
            config.toString(),
            // The command line wins over the file, which has no HTTP server.
            "metrics.port=" + port)) {
      app.awaitHealthy(port);

      EventBuilder session = Events.event().recording("jar-rec").session("s1").service("orders");
      try (KafkaProducer<String, RecordedEvent> producer = stack.producer(raw)) {
        for (int i = 0; i < 5; i++) {
          RecordedEvent event = session.httpServer("GET", "/orders/" + i, 200);
          producer.send(new ProducerRecord<>(raw.name(), event.getSessionId(), event));
        }
      }
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  assertThat(IngestIT.committedEvents(stack, topics))
                      .extracting(ConsumerRecord::key)
                      .containsOnly("jar-rec|s1")
                      .hasSize(5));
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(app.scrapeMetrics(port))
                      .contains("# TYPE retrace_ingest_records_in_total counter")
                      .contains("retrace_ingest_records_in_total 5.0")
                      .contains("retrace_ingest_events_out_total 5.0")
                      .contains("kafka_stream_"));

      assertThat(app.stop()).as(app.stdout()).isZero();
      assertThat(app.stdout()).contains("Ingest started", "Ingest is stopping", "Ingest stopped");
      assertThat(app.stdout() + app.stderr())
          .doesNotContain(" ERROR ", "SLF4J", "log4j", "ch.qos.logback");
      assertThat(app.stdout().lines().filter(line -> line.contains(" INFO ")))
          .as("libraries log at WARN, Retrace at INFO")
          .isNotEmpty()
          .allMatch(line -> line.contains(" io.retrace."));
    }
  }

  @Test
  void aConfigFileWithTwoBadKeysExitsWithTwoNamingBoth(TestStack stack) throws Exception {
    Path config =
        properties(
            "bootstrap.servers=" + stack.bootstrapServers(),
            "sesion.gap=30s",
            "commit.interval=soon");

    try (ServiceJar app =
        ServiceJar.start(
            JAR,
            dir,
            Map.of("RETRACE_SCHEMA_REGISTRY_URL", stack.registryUrl()),
            "--config",
            config.toString())) {
      assertThat(app.awaitExit()).as(app.stderr()).isEqualTo(2);
      assertThat(app.stderr())
          .contains("Invalid ingest configuration")
          .contains("sesion.gap: unknown ingest setting", "did you mean session.gap?")
          .contains("commit.interval=soon", "is not a duration")
          .doesNotContain("Exception", "\tat ");
      assertThat(app.stdout()).doesNotContain("Exception");
    }
  }

  @Test
  void helpListsTheOptionsEverySettingAndTheEnvironmentVariables() throws Exception {
    try (ServiceJar app = ServiceJar.start(JAR, dir, Map.of(), "--help")) {
      assertThat(app.awaitExit()).as(app.stderr()).isZero();
      assertThat(app.stdout())
          .contains("java [JVM options] -jar retrace-ingest.jar [--config FILE] [KEY=VALUE ...]")
          .contains("RETRACE_BOOTSTRAP_SERVERS", "-Dretrace.KEY", "/health", "/metrics")
          .contains(IngestConfig.SPEC.settings().stream().map(Setting::key).toList());
    }
  }

  @Test
  void theJarRunsItsMainClassWithMergedServiceFilesAndOneLoggingSetUp() throws IOException {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
          .isEqualTo(IngestMain.class.getName());
      // One services file per interface, holding the entries of every dependency that has one.
      assertThat(ServiceJar.services(jar, "com.fasterxml.jackson.core.JsonFactory"))
          .contains(
              "com.fasterxml.jackson.core.JsonFactory",
              "com.fasterxml.jackson.dataformat.yaml.YAMLFactory");
      assertThat(ServiceJar.services(jar, "org.slf4j.spi.SLF4JServiceProvider"))
          .containsExactly("ch.qos.logback.classic.spi.LogbackServiceProvider");
      assertThat(jar.getEntry("logback.xml")).isNotNull();
      assertThat(jar.stream().map(JarEntry::getName))
          .contains(
              "librocksdbjni-linux64.so",
              "librocksdbjni-linux64-musl.so",
              "librocksdbjni-linux-aarch64.so",
              "librocksdbjni-osx-arm64.jnilib",
              "librocksdbjni-win64.dll")
          .noneMatch(name -> name.matches("META-INF/[^/]+\\.(SF|DSA|RSA|EC)"))
          .noneMatch(name -> name.startsWith("org/apache/log4j/"))
          .noneMatch(name -> name.startsWith("org/apache/logging/log4j/"));
    }
  }

  private Path properties(String... lines) throws IOException {
    return Files.write(Files.createTempFile(dir, "ingest", ".properties"), List.of(lines), UTF_8);
  }
}
