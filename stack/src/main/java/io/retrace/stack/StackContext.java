package io.retrace.stack;

import java.nio.file.Path;
import java.util.Map;

/** What a {@link StackComponent} needs to reach the running stack. */
public record StackContext(String bootstrapServers, String registryUrl, StackConfig config) {

  /** Serde settings for {@code io.retrace.schemas.topic.Topic#valueSerde}. */
  public Map<String, Object> serdeConfig() {
    return Map.of("schema.registry.url", registryUrl);
  }

  public Path archiveDir() {
    return config.archiveDir();
  }
}
