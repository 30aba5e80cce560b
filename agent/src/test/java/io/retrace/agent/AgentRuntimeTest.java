package io.retrace.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.Arrays;
import net.bytebuddy.asm.Advice;
import org.junit.jupiter.api.Test;

class AgentRuntimeTest {

  /** A renamed advice class would make the parse beside start-up fail and move it back to main. */
  @Test
  void theAdviceParsedBesideStartUpNamesAdviceClasses() throws Exception {
    for (String name : AgentRuntime.FIRST_ADVICE) {
      Method[] methods = Class.forName(name).getDeclaredMethods();
      assertThat(
              Arrays.stream(methods)
                  .anyMatch(
                      m ->
                          m.isAnnotationPresent(Advice.OnMethodEnter.class)
                              || m.isAnnotationPresent(Advice.OnMethodExit.class)))
          .as(name)
          .isTrue();
    }
  }
}
