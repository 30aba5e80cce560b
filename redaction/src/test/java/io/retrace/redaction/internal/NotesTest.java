package io.retrace.redaction.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.retrace.schemas.event.RedactionAction;
import io.retrace.schemas.event.RedactionNote;
import org.junit.jupiter.api.Test;

class NotesTest {
  @Test
  void eachRuleFieldAndActionIsNotedOnceHoweverManyTimesItFires() {
    Notes notes = new Notes("ingest");
    for (int round = 0; round < 3; round++) {
      for (int field = 0; field < 20; field++) {
        notes.add("detector.email", "jdbc.result.c" + field, RedactionAction.HASH);
      }
      notes.add("detector.email", "jdbc.result.c0", RedactionAction.MASK);
    }

    assertThat(notes.list())
        .hasSize(21)
        .doesNotHaveDuplicates()
        .startsWith(
            new RedactionNote("detector.email", "jdbc.result.c0", RedactionAction.HASH, "ingest"))
        .containsOnlyOnce(
            new RedactionNote("detector.email", "jdbc.result.c0", RedactionAction.MASK, "ingest"));
  }

  @Test
  void pastTheBoundOneNoteSaysMoreWereLeftOut() {
    Notes notes = new Notes("agent");
    for (int field = 0; field < Notes.MAX + 10; field++) {
      notes.add("sensitive-columns", "jdbc.result.c" + field, RedactionAction.REPLACE);
    }

    assertThat(notes.list()).hasSize(Notes.MAX + 1);
    assertThat(notes.list().get(Notes.MAX))
        .isEqualTo(new RedactionNote("notes-bound", "*", RedactionAction.OTHER, "agent"));
  }
}
