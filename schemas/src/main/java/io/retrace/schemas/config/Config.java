package io.retrace.schemas.config;

import java.util.Map;

/** Loaded, validated configuration: a value for every setting of its {@link ConfigSpec}. */
public final class Config {
  private final Map<Setting<?>, Object> values;
  private final Map<Setting<?>, String> origins;

  Config(Map<Setting<?>, Object> values, Map<Setting<?>, String> origins) {
    this.values = values;
    this.origins = origins;
  }

  @SuppressWarnings("unchecked")
  public <T> T get(Setting<T> setting) {
    if (!values.containsKey(setting)) {
      throw new IllegalArgumentException(
          "Setting " + setting.key() + " is not part of this config");
    }
    return (T) values.get(setting);
  }

  /** Where the value came from: a source name, or {@code default}. */
  public String origin(Setting<?> setting) {
    return origins.getOrDefault(setting, "default");
  }
}
