package io.retrace.schemas.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RecordingIdsTest {
  @ParameterizedTest
  @ValueSource(strings = {"a", "incident-4711", "Release_2.3", "0.-_", "ABCxyz019"})
  void acceptsIdsOfTheAllowedCharacters(String id) {
    assertThat(RecordingIds.requireValid(id)).isSameAs(id);
  }

  @Test
  void acceptsTwoHundredCharactersAndNoMore() {
    assertThat(RecordingIds.requireValid("x".repeat(200))).hasSize(200);
    assertThatThrownBy(() -> RecordingIds.requireValid("x".repeat(201)))
        .hasMessageContaining("1 to 200");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a b", "../etc", "a/b", "é", "rec:1", "a\nb", "ａ"})
  void rejectsWhatCannotBeATopicNameOrPath(String id) {
    assertThatThrownBy(() -> RecordingIds.requireValid(id))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Invalid recording id '" + id + "'");
  }

  @Test
  void rejectsNull() {
    assertThatThrownBy(() -> RecordingIds.requireValid(null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
