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
import io.retrace.testkit.TestStack;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
    int port = freePort();
    Path config =
        properties(
            "bootstrap.servers=" + stack.bootstrapServers(),
            "application.id=" + prefix,
            "topics.prefix=" + prefix,
            "state.dir=" + dir.resolve("state"),
            "metrics.port=-1",
            "hmac.key=ingest-jar-it-key-0123456789");

    try (JarProcess app =
        JarProcess.start(
            dir,
            Map.of("RETRACE_SCHEMA_REGISTRY_URL", stack.registryUrl()),
            "--config",
            config.toString(),
            // The command line wins over the file, which has no HTTP server.
            "metrics.port=" + port)) {
      app.awaitReady(port);

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
      assertThat(app.stdout()).contains("Ingest started", "Stopping ingest", "Ingest stopped");
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

    try (JarProcess app =
        JarProcess.start(
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
    try (JarProcess app = JarProcess.start(dir, Map.of(), "--help")) {
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
      assertThat(services(jar, "com.fasterxml.jackson.core.JsonFactory"))
          .contains(
              "com.fasterxml.jackson.core.JsonFactory",
              "com.fasterxml.jackson.dataformat.yaml.YAMLFactory");
      assertThat(services(jar, "org.slf4j.spi.SLF4JServiceProvider"))
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

  private static List<String> services(JarFile jar, String service) throws IOException {
    JarEntry entry = jar.getJarEntry("META-INF/services/" + service);
    assertThat(entry).as(service).isNotNull();
    try (InputStream in = jar.getInputStream(entry)) {
      return new String(in.readAllBytes(), UTF_8)
          .lines()
          .map(String::strip)
          .filter(line -> !line.isEmpty() && !line.startsWith("#"))
          .toList();
    }
  }

  private Path properties(String... lines) throws IOException {
    return Files.write(Files.createTempFile(dir, "ingest", ".properties"), List.of(lines), UTF_8);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /**
   * The jar on its own small JVM, with no {@code RETRACE_*} variables but {@code env}. Output goes
   * to files: a pipe drained by another thread can lose the last lines when the process exits.
   */
  private static final class JarProcess implements AutoCloseable {
    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final HttpClient http = HttpClient.newHttpClient();

    private JarProcess(Process process, Path stdout, Path stderr) {
      this.process = process;
      this.stdout = stdout;
      this.stderr = stderr;
    }

    static JarProcess start(Path dir, Map<String, String> env, String... args) throws IOException {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-jar", JAR.toString()));
      command.addAll(List.of(args));
      Path out = Files.createTempFile(dir, "ingest", ".out");
      Path err = Files.createTempFile(dir, "ingest", ".err");
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      builder.environment().keySet().removeIf(name -> name.startsWith("RETRACE_"));
      builder.environment().putAll(env);
      return new JarProcess(builder.start(), out, err);
    }

    /** Waits until {@code /health} answers 200: Kafka Streams is RUNNING. */
    void awaitReady(int port) {
      await()
          .atMost(Duration.ofSeconds(90))
          .failFast("the app exited", () -> !process.isAlive())
          .ignoreExceptionsInstanceOf(IOException.class)
          .until(() -> send(port, "/health").statusCode() == 200);
    }

    /** The body of {@code /metrics}, checked to be Prometheus text. */
    String scrapeMetrics(int port) throws Exception {
      HttpResponse<String> response = send(port, "/metrics");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
      return response.body();
    }

    private HttpResponse<String> send(int port, String path) throws Exception {
      return http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
          HttpResponse.BodyHandlers.ofString());
    }

    /** SIGTERM, as a service manager sends it; returns the exit code. */
    int stop() throws Exception {
      process.destroy();
      return awaitExit();
    }

    int awaitExit() throws Exception {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the app did not exit within 60 s:\n" + stdout());
      }
      return process.exitValue();
    }

    String stdout() throws IOException {
      return Files.readString(stdout, UTF_8);
    }

    String stderr() throws IOException {
      return Files.readString(stderr, UTF_8);
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }
}
