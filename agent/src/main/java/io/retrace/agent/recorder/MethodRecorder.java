package io.retrace.agent.recorder;

import static io.retrace.agent.weave.Matchers.isAbstract;
import static io.retrace.agent.weave.Matchers.namedOneOf;
import static java.util.function.Predicate.not;

import io.retrace.agent.bootstrap.MethodAdvice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The application's own methods named in {@code capture.methods=com.acme.Pricing#quote,...}: every
 * overload of each named method, arguments and outcome as JSON.
 */
public final class MethodRecorder implements Recorder {
  private final Map<String, Set<String>> methodsByClass = new LinkedHashMap<>();

  /**
   * @param specs {@code com.acme.Class#method} entries
   * @throws IllegalArgumentException naming every malformed entry
   */
  public MethodRecorder(List<String> specs) {
    List<String> bad = specs.stream().filter(s -> !s.matches("[\\w.$]+#[\\w$]+")).toList();
    if (!bad.isEmpty()) {
      throw new IllegalArgumentException(
          "capture.methods entries must look like com.acme.Class#method: " + bad);
    }
    for (String spec : specs) {
      String[] parts = spec.split("#");
      methodsByClass.computeIfAbsent(parts[0], c -> new TreeSet<>()).add(parts[1]);
    }
  }

  @Override
  public String name() {
    return "methods";
  }

  @Override
  public List<Target> targets() {
    List<Target> targets = new ArrayList<>();
    for (Map.Entry<String, Set<String>> entry : methodsByClass.entrySet()) {
      targets.add(
          Target.named(entry.getKey())
              .advice(
                  namedOneOf(entry.getValue().toArray(String[]::new)).and(not(isAbstract())),
                  MethodAdvice.class));
    }
    return targets;
  }
}
