package io.retrace.stack.kafka;

import io.retrace.stack.PortInUseException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker in KRaft combined mode (broker and controller in one process), running
 * inside this JVM. Its log directory is formatted once; starting again on the same directory keeps
 * every topic and record.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final int NODE_ID = 1;

  private final Path logDir;
  private final String host;
  private final int port;
  private final int controllerPort;
  private final KafkaRaftServer server;

  private EmbeddedKafka(
      Path logDir, String host, int port, int controllerPort, KafkaRaftServer server) {
    this.logDir = logDir;
    this.host = host;
    this.port = port;
    this.controllerPort = controllerPort;
    this.server = server;
  }

  /**
   * Formats {@code logDir} if it holds no broker yet, then starts the broker.
   *
   * @param port the client port; 0 picks a free one
   * @param overrides broker properties that win over the defaults, e.g. {@code num.partitions}
   * @throws PortInUseException when {@code port} is taken
   */
  public static EmbeddedKafka start(
      Path logDir, String host, int port, Map<String, String> overrides) {
    int clientPort = reserve(host, port, "Kafka");
    int controllerPort = reserve(host, 0, "Kafka controller");
    Properties props = brokerProperties(logDir, host, clientPort, controllerPort);
    props.putAll(overrides);
    try {
      Files.createDirectories(logDir);
      if (!Files.exists(logDir.resolve("meta.properties"))) {
        format(logDir, props);
      }
    } catch (IOException e) {
      throw new IllegalStateException("Cannot prepare the Kafka log directory " + logDir, e);
    }
    long started = System.nanoTime();
    KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props), Time.SYSTEM);
    server.startup();
    log.info(
        "Kafka broker up on {}:{} ({} ms, log dir {})",
        host,
        clientPort,
        (System.nanoTime() - started) / 1_000_000,
        logDir);
    return new EmbeddedKafka(logDir, host, clientPort, controllerPort, server);
  }

  static Properties brokerProperties(Path logDir, String host, int port, int controllerPort) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", String.valueOf(NODE_ID));
    // A static voter set: the controller's own port may differ between starts.
    p.put("controller.quorum.voters", NODE_ID + "@" + host + ":" + controllerPort);
    p.put(
        "listeners",
        "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", logDir.toAbsolutePath().toString());
    // One node: every internal topic has one replica.
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "5");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "5");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("num.partitions", "3");
    p.put("auto.create.topics.enable", "true");
    p.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
    return p;
  }

  private static void format(Path logDir, Properties props) throws IOException {
    Path config = Files.createTempFile("retrace-kafka-format", ".properties");
    try (OutputStream out = Files.newOutputStream(config)) {
      props.store(out, "retrace: storage format");
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    String clusterId = Uuid.randomUuid().toString();
    try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
      int rc =
          StorageTool.execute(
              new String[] {"format", "-t", clusterId, "-c", config.toString()}, print);
      if (rc != 0) {
        throw new IllegalStateException(
            "Formatting Kafka storage in "
                + logDir
                + " failed: "
                + output.toString(StandardCharsets.UTF_8));
      }
    } finally {
      Files.deleteIfExists(config);
    }
    log.info("Formatted Kafka storage in {} (cluster id {})", logDir, clusterId);
  }

  /** Binds the port once to prove it is free (0: to pick one), naming it when it is not. */
  static int reserve(String host, int port, String what) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new PortInUseException(what, host, port, e);
    }
  }

  /** {@code host:port} for clients. */
  public String bootstrapServers() {
    return host + ":" + port;
  }

  public int port() {
    return port;
  }

  public int controllerPort() {
    return controllerPort;
  }

  public Path logDir() {
    return logDir;
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
    log.info("Kafka broker on {}:{} stopped", host, port);
  }
}
