package io.retrace.schemas.config;

import java.util.List;

/** Configuration that cannot be used, with every problem found, not just the first. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public ConfigException(String what, List<String> problems) {
    super("Invalid " + what + " configuration:\n  - " + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
