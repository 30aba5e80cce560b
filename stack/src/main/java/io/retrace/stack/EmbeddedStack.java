package io.retrace.stack;

import io.retrace.schemas.topic.TopicAdmin;
import io.retrace.schemas.topic.Topics;
import io.retrace.stack.kafka.EmbeddedKafka;
import io.retrace.stack.registry.SchemaRegistryServer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole of Retrace on one machine: a KRaft broker, the schema registry, the fixed topics of
 * DESIGN.md, and the pipeline stages given as {@link StackComponent}s. Everything lives under the
 * data dir, so starting again on the same dir finds the same topics, schemas and archive.
 */
public final class EmbeddedStack implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedStack.class);

  private final StackContext context;
  private final Deque<AutoCloseable> started;

  private EmbeddedStack(StackContext context, Deque<AutoCloseable> started) {
    this.context = context;
    this.started = started;
  }

  /**
   * Starts the broker, creates the fixed topics, starts the registry and then each component. On
   * failure, whatever had started is stopped again before the exception propagates.
   */
  public static EmbeddedStack start(StackConfig config, List<? extends StackComponent> components)
      throws Exception {
    Deque<AutoCloseable> started = new ArrayDeque<>();
    try {
      EmbeddedKafka kafka =
          EmbeddedKafka.start(config.kafkaDir(), config.host(), config.kafkaPort(), Map.of());
      started.push(kafka);
      return startOn(kafka.bootstrapServers(), config, components, started);
    } catch (Exception | Error e) {
      closeAll(started, e);
      throw e;
    }
  }

  /**
   * Like {@link #start} but against a broker that is already running elsewhere (a cluster, or a
   * test container); {@code config}'s Kafka port is not used.
   */
  public static EmbeddedStack attach(
      String bootstrapServers, StackConfig config, List<? extends StackComponent> components)
      throws Exception {
    Deque<AutoCloseable> started = new ArrayDeque<>();
    try {
      return startOn(bootstrapServers, config, components, started);
    } catch (Exception | Error e) {
      closeAll(started, e);
      throw e;
    }
  }

  private static EmbeddedStack startOn(
      String bootstrapServers,
      StackConfig config,
      List<? extends StackComponent> components,
      Deque<AutoCloseable> started)
      throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      TopicAdmin.ensure(admin, Topics.FIXED, (short) 1);
    }
    SchemaRegistryServer registry =
        SchemaRegistryServer.start(bootstrapServers, config.host(), config.registryPort());
    started.push(registry);
    StackContext context = new StackContext(bootstrapServers, registry.url(), config);
    for (StackComponent component : components) {
      component.start(context);
      started.push(component);
      log.info("Started {}", component.name());
    }
    return new EmbeddedStack(context, started);
  }

  public StackContext context() {
    return context;
  }

  public String bootstrapServers() {
    return context.bootstrapServers();
  }

  public String registryUrl() {
    return context.registryUrl();
  }

  @Override
  public void close() {
    RuntimeException failure = new IllegalStateException("Stopping the stack failed");
    closeAll(started, failure);
    if (failure.getSuppressed().length > 0) {
      throw failure;
    }
  }

  private static void closeAll(Deque<AutoCloseable> started, Throwable failures) {
    while (!started.isEmpty()) {
      AutoCloseable next = started.pop();
      try {
        next.close();
      } catch (Exception e) {
        failures.addSuppressed(e);
      }
    }
  }
}
