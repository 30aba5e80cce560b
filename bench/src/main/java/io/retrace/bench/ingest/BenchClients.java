package io.retrace.bench.ingest;

import io.retrace.stack.EmbeddedStack;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/** The Kafka clients the ingest harnesses drive the embedded stack with. */
final class BenchClients {
  private BenchClients() {}

  static Admin admin(EmbeddedStack stack) {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()));
  }

  static Map<String, Object> producerConfig(EmbeddedStack stack) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    return config;
  }

  /** The ingest app's settings for an app named {@code app} on the {@code prefix} topics. */
  static Map<String, String> ingestSettings(
      EmbeddedStack stack, Path data, String app, String prefix) {
    Map<String, String> values = new HashMap<>();
    values.put("bootstrap.servers", stack.bootstrapServers());
    values.put("schema.registry.url", stack.registryUrl());
    values.put("application.id", app);
    values.put("state.dir", data.resolve(app).toString());
    values.put("topics.prefix", prefix);
    values.put("metrics.port", "-1");
    values.put("hmac.key", "bench-key-0123456789abcdef0123456789");
    return values;
  }
}
