package io.retrace.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
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
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code retrace up} as a user runs it: a separate process, reached by ordinary Kafka clients and
 * HTTP from this one, stopped with SIGTERM, started again on the same data dir.
 */
class UpCommandIT {
  @TempDir Path dataDir;

  @Test
  void servesClientsFromOtherProcessesAndKeepsDataAcrossRestarts() throws Exception {
    int kafkaPort = freePort();
    int registryPort = freePort();
    String bootstrap = "127.0.0.1:" + kafkaPort;

    Up first = Up.start(dataDir, kafkaPort, registryPort);
    assertThat(first.output()).anyMatch(l -> l.contains("Kafka bootstrap servers: " + bootstrap));
    assertThat(first.output())
        .anyMatch(l -> l.contains("Schema registry:         http://127.0.0.1:" + registryPort));
    produce(bootstrap, "cli-check", "hello");
    assertThat(consume(bootstrap, "cli-check", 1)).containsExactly("hello");
    String subjects = get("http://127.0.0.1:" + registryPort + "/subjects");
    assertThat(subjects).startsWith("[");
    assertThat(first.stop()).isZero();
    assertThat(first.output()).anyMatch(l -> l.contains("Stopping Retrace"));

    Up second = Up.start(dataDir, kafkaPort, registryPort);
    produce(bootstrap, "cli-check", "again");
    assertThat(consume(bootstrap, "cli-check", 2)).containsExactly("hello", "again");
    assertThat(second.stop()).isZero();
  }

  @Test
  void aPortInUseIsNamedAndTheExitCodeSaysError() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      Process p =
          command(dataDir, taken.getLocalPort(), freePort()).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isEqualTo(2);
      assertThat(output).contains("Kafka port " + taken.getLocalPort()).contains("in use");
    }
  }

  @Test
  void helpDescribesEveryOption() throws Exception {
    Process p =
        new ProcessBuilder(java(), "-cp", classpath(), Retrace.class.getName(), "up", "--help")
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    assertThat(output).contains("--data-dir", "--kafka-port", "--registry-port", "--host");
  }

  /**
   * A running {@code retrace up} process. Its output goes to a file: a pipe read by another thread
   * loses the last lines when the JDK closes it at process exit.
   */
  private record Up(Process process, Path log) {
    static Up start(Path dataDir, int kafkaPort, int registryPort) throws IOException {
      Path log = Files.createTempFile(dataDir.getParent(), "retrace-up", ".log");
      Process process =
          command(dataDir, kafkaPort, registryPort)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      Up up = new Up(process, log);
      await()
          .atMost(Duration.ofSeconds(90))
          .failFast("retrace up exited", () -> !process.isAlive())
          .until(() -> up.output().stream().anyMatch(l -> l.contains("Retrace is up.")));
      return up;
    }

    List<String> output() throws IOException {
      return Files.readAllLines(log, UTF_8);
    }

    int stop() throws InterruptedException, IOException {
      process.destroy(); // SIGTERM, as Ctrl-C or a service manager would send
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s").isTrue();
      assertThat(output()).contains("Stopped.");
      return process.exitValue();
    }
  }

  private static ProcessBuilder command(Path dataDir, int kafkaPort, int registryPort) {
    return new ProcessBuilder(
        java(),
        "-Xmx512m",
        "-cp",
        classpath(),
        Retrace.class.getName(),
        "up",
        "--data-dir",
        dataDir.toString(),
        "--kafka-port",
        String.valueOf(kafkaPort),
        "--registry-port",
        String.valueOf(registryPort));
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String classpath() {
    return System.getProperty("java.class.path");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void produce(String bootstrap, String topic, String value) throws Exception {
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all");
    try (var producer =
        new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, 0, null, value)).get();
    }
  }

  private static List<String> consume(String bootstrap, String topic, int count) {
    Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (var consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      List<String> values = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                return values.size() >= count;
              });
      return values;
    }
  }

  private static String get(String url) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }
}
