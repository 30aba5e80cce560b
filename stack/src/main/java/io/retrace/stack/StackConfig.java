package io.retrace.stack;

import java.nio.file.Path;

/**
 * Where the embedded stack keeps its data and which ports it listens on.
 *
 * @param dataDir holds the broker's log ({@code kafka/}) and the archive ({@code archive/})
 * @param host the address every listener binds to and advertises
 * @param kafkaPort the broker's client port; 0 picks a free one
 * @param registryPort the schema registry's HTTP port; 0 picks a free one
 */
public record StackConfig(Path dataDir, String host, int kafkaPort, int registryPort) {
  public static final Path DEFAULT_DATA_DIR = Path.of("retrace-data");
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_KAFKA_PORT = 9092;
  public static final int DEFAULT_REGISTRY_PORT = 8081;

  public StackConfig {
    requirePort("Kafka", kafkaPort);
    requirePort("schema registry", registryPort);
    dataDir = dataDir.toAbsolutePath().normalize();
  }

  /** The defaults of {@code retrace up}. */
  public static StackConfig defaults() {
    return new StackConfig(
        DEFAULT_DATA_DIR, DEFAULT_HOST, DEFAULT_KAFKA_PORT, DEFAULT_REGISTRY_PORT);
  }

  public Path kafkaDir() {
    return dataDir.resolve("kafka");
  }

  public Path archiveDir() {
    return dataDir.resolve("archive");
  }

  private static void requirePort(String what, int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(what + " port must be 0..65535, was " + port);
    }
  }
}
