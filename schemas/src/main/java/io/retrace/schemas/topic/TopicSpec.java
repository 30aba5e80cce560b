package io.retrace.schemas.topic;

import java.time.Duration;
import java.util.Map;

/**
 * How a topic is created: its partition count and the topic-level configs that make it what
 * DESIGN.md says it is (compacted catalog, short-lived raw data, long audit).
 */
public record TopicSpec(int partitions, Map<String, String> configs) {
  public TopicSpec {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1, was " + partitions);
    }
    configs = Map.copyOf(configs);
  }

  /** Records are deleted once older than {@code retention}. */
  public static TopicSpec deleteAfter(int partitions, Duration retention) {
    return new TopicSpec(
        partitions,
        Map.of("cleanup.policy", "delete", "retention.ms", String.valueOf(retention.toMillis())));
  }

  /** The latest value per key is kept forever. */
  public static TopicSpec compacted(int partitions) {
    return new TopicSpec(partitions, Map.of("cleanup.policy", "compact"));
  }
}
