package io.retrace.schemas.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TopicsTest {

  @Test
  void recordingTopicsMatchTheIngestPatternAndGiveBackTheirId() {
    Topic<?, ?> topic = Topics.recording("inc-4711.checkout", 3);

    assertThat(topic.name()).isEqualTo("retrace.rec.inc-4711.checkout");
    assertThat(Topics.RECORDING_PATTERN.matcher(topic.name()).matches()).isTrue();
    assertThat(Topics.recordingIdOf(topic.name())).isEqualTo("inc-4711.checkout");
    assertThat(topic.spec().configs()).containsEntry("retention.ms", "86400000");
  }

  @Test
  void fixedTopicsAreNotRecordingTopics() {
    assertThat(Topics.FIXED)
        .allSatisfy(
            t -> assertThat(Topics.RECORDING_PATTERN.matcher(t.name()).matches()).isFalse());
    assertThat(Topics.recordingIdOf("retrace.events")).isNull();
  }

  @Test
  void rejectsRecordingIdsThatCannotBeTopicNamesOrPaths() {
    assertThatThrownBy(() -> Topics.recording("../etc", 1))
        .hasMessageContaining("Invalid recording id '../etc'");
    assertThatThrownBy(() -> Topics.recording("a b", 1)).hasMessageContaining("A-Z a-z 0-9");
  }

  @Test
  void catalogTopicsAreCompacted() {
    assertThat(Topics.RECORDINGS.spec().configs()).containsEntry("cleanup.policy", "compact");
    assertThat(Topics.SESSIONS.spec().configs()).containsEntry("cleanup.policy", "compact");
    assertThat(Topics.CONTROL.spec().configs()).containsEntry("cleanup.policy", "compact");
    assertThat(Topics.AUDIT.spec().configs()).containsEntry("cleanup.policy", "delete");
  }
}
