package io.retrace.testkit;

import io.retrace.stack.EmbeddedStack;
import io.retrace.stack.StackConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Gives tests one broker and one schema registry shared by the whole test JVM, as a {@link
 * TestStack} parameter. The broker runs in-JVM (KRaft); with {@code -Dretrace.test.kafka=container}
 * and a Docker engine present it runs in a Testcontainers Kafka container instead.
 */
public final class RetraceStackExtension implements ParameterResolver {
  private static final Logger log = LoggerFactory.getLogger(RetraceStackExtension.class);
  private static final String KAFKA_MODE = "retrace.test.kafka";
  private static final String KAFKA_IMAGE = "apache/kafka:4.1.0";

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestStack.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context
        .getRoot()
        .getStore(ExtensionContext.Namespace.create(RetraceStackExtension.class))
        .getOrComputeIfAbsent(SharedStack.class, key -> SharedStack.start(), SharedStack.class)
        .stack;
  }

  /** Lives in the root store, so JUnit closes it once, when the test JVM's run ends. */
  private static final class SharedStack implements ExtensionContext.Store.CloseableResource {
    private final TestStack stack;
    private final List<AutoCloseable> resources;
    private final Path dataDir;

    private SharedStack(TestStack stack, List<AutoCloseable> resources, Path dataDir) {
      this.stack = stack;
      this.resources = resources;
      this.dataDir = dataDir;
    }

    static SharedStack start() {
      try {
        Path dataDir = Files.createTempDirectory("retrace-test-stack");
        if ("container".equals(System.getProperty(KAFKA_MODE))
            && DockerClientFactory.instance().isDockerAvailable()) {
          return startWithContainer(dataDir);
        }
        EmbeddedStack embedded =
            EmbeddedStack.start(new StackConfig(dataDir, "127.0.0.1", 0, 0), List.of());
        return new SharedStack(
            new TestStack(embedded.bootstrapServers(), embedded.registryUrl()),
            List.of(embedded),
            dataDir);
      } catch (Exception e) {
        throw new IllegalStateException("Cannot start the shared test stack", e);
      }
    }

    private static SharedStack startWithContainer(Path dataDir) throws Exception {
      KafkaContainer kafka = new KafkaContainer(KAFKA_IMAGE);
      kafka.start();
      log.info("Test broker: Testcontainers {} at {}", KAFKA_IMAGE, kafka.getBootstrapServers());
      EmbeddedStack attached =
          EmbeddedStack.attach(
              kafka.getBootstrapServers(), new StackConfig(dataDir, "127.0.0.1", 0, 0), List.of());
      return new SharedStack(
          new TestStack(attached.bootstrapServers(), attached.registryUrl()),
          List.of(attached, kafka::stop),
          dataDir);
    }

    @Override
    public void close() throws Exception {
      stack.close();
      for (AutoCloseable resource : resources) {
        resource.close();
      }
      deleteRecursively(dataDir);
    }

    private static void deleteRecursively(Path dir) throws IOException {
      try (Stream<Path> paths = Files.walk(dir)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
