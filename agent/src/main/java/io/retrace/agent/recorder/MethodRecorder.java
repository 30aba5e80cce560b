package io.retrace.agent.recorder;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;

import io.retrace.agent.bootstrap.Dispatch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.matcher.ElementMatchers;

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
      ElementMatcher.Junction<net.bytebuddy.description.method.MethodDescription> methods =
          ElementMatchers.none();
      for (String method : entry.getValue()) {
        methods = methods.or(named(method));
      }
      targets.add(
          Target.named(entry.getKey()).advice(methods.and(not(isAbstract())), MethodAdvice.class));
    }
    return targets;
  }

  /** Around a configured method. */
  public static final class MethodAdvice {
    private MethodAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(
        @Site("#t") String type, @Site("#m") String method, @Advice.AllArguments Object[] args) {
      return Dispatch.mode == Dispatch.OFF ? null : Dispatch.hooks.methodEnter(type, method, args);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @Advice.Enter Object handle,
        @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object returned,
        @Advice.Thrown Throwable thrown) {
      if (handle != null) {
        Dispatch.hooks.methodExit(handle, returned, thrown);
      }
    }
  }
}
