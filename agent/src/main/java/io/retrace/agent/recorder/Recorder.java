package io.retrace.agent.recorder;

import static net.bytebuddy.matcher.ElementMatchers.isBootstrapClassLoader;
import static net.bytebuddy.matcher.ElementMatchers.isExtensionClassLoader;
import static net.bytebuddy.matcher.ElementMatchers.not;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * One instrumentation: which types and methods it matches, and the advice it applies. The advice is
 * a nested static class of a few lines that suppresses its own throwables and hands off to {@link
 * io.retrace.agent.bootstrap.Dispatch#hooks}.
 */
public interface Recorder {
  /**
   * Implementations of application-facing interfaces (JDBC drivers, HTTP handlers) live in
   * application class loaders; not matching the JDK's own thousands of classes against type
   * hierarchies keeps start-up fast.
   */
  ElementMatcher<ClassLoader> APPLICATION_LOADERS =
      not(isBootstrapClassLoader()).and(not(isExtensionClassLoader()));

  /** Name used in logs and in the {@code recorders} option. */
  String name();

  AgentBuilder install(AgentBuilder builder, ClassLoader agentLoader);

  /** Advice for {@code methods} of the matched types, read from the agent's class loader. */
  static AgentBuilder.Transformer.ForAdvice advice(ClassLoader agentLoader) {
    return new AgentBuilder.Transformer.ForAdvice()
        .include(agentLoader)
        .withExceptionHandler(net.bytebuddy.asm.Advice.ExceptionHandler.Default.PRINTING);
  }
}
