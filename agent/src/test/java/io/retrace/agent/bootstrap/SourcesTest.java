package io.retrace.agent.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.retrace.schemas.event.ValueSource;
import org.junit.jupiter.api.Test;

/** Advice names value sources by ordinal; the ordinals must be the schema's. */
class SourcesTest {
  @Test
  void ordinalsAreTheSchemasValueSources() {
    assertThat(Sources.CURRENT_TIME_MILLIS).isEqualTo(ValueSource.CURRENT_TIME_MILLIS.ordinal());
    assertThat(Sources.INSTANT_NOW).isEqualTo(ValueSource.INSTANT_NOW.ordinal());
    assertThat(Sources.RANDOM).isEqualTo(ValueSource.RANDOM.ordinal());
    assertThat(Sources.THREAD_LOCAL_RANDOM).isEqualTo(ValueSource.THREAD_LOCAL_RANDOM.ordinal());
    assertThat(Sources.UUID).isEqualTo(ValueSource.UUID.ordinal());
  }
}
