package io.retrace.agent;

import static org.assertj.core.api.Assertions.assertThatCode;

import io.retrace.agent.weave.AdviceMethods;
import org.junit.jupiter.api.Test;

class AgentRuntimeTest {

  /** A renamed advice class would make the read beside start-up fail and move it back to main. */
  @Test
  void theAdviceReadBesideStartUpNamesAdviceClasses() {
    for (String name : AgentRuntime.FIRST_ADVICE) {
      assertThatCode(() -> AdviceMethods.of(Class.forName(name)))
          .as(name)
          .doesNotThrowAnyException();
    }
  }
}
