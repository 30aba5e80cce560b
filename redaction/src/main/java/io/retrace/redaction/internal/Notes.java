package io.retrace.redaction.internal;

import io.retrace.schemas.event.RedactionAction;
import io.retrace.schemas.event.RedactionNote;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The redaction notes of one event: one per distinct (rule, field, action), at most {@link #MAX} so
 * that an event with thousands of redacted cells stays small; past the bound one note with field
 * {@code *} says that more were left out.
 */
public final class Notes {
  public static final int MAX = 64;

  /** Up to this many notes, duplicates are found by comparing with each; past it, by a set. */
  private static final int LINEAR = 8;

  private final String stage;
  // Allocated on the first note: most events have none.
  private List<RedactionNote> notes;
  private Set<String> seen;
  private boolean overflowed;
  // The thread's match scratch, looked up once per event instead of once per text scanned.
  private Spans spans;

  public Notes(String stage) {
    this.stage = stage;
  }

  /** This thread's {@link Spans}, cleared: the event's notes travel wherever a text is scanned. */
  Spans spans() {
    if (spans == null) {
      spans = Spans.forThread();
    } else {
      spans.clear();
    }
    return spans;
  }

  public void add(String rule, String field, RedactionAction action) {
    if (notes == null) {
      notes = new ArrayList<>(4);
    }
    if (overflowed || !firstTime(rule, field, action)) {
      return;
    }
    if (notes.size() == MAX) {
      overflowed = true;
      notes.add(new RedactionNote("notes-bound", "*", RedactionAction.OTHER, stage));
      return;
    }
    notes.add(new RedactionNote(rule, field, action, stage));
  }

  private boolean firstTime(String rule, String field, RedactionAction action) {
    if (seen == null) {
      for (RedactionNote n : notes) {
        if (n.getAction() == action && n.getRule().equals(rule) && n.getField().equals(field)) {
          return false;
        }
      }
      if (notes.size() < LINEAR) {
        return true;
      }
      seen = new HashSet<>();
      for (RedactionNote n : notes) {
        seen.add(key(n.getRule(), n.getField(), n.getAction()));
      }
    }
    return seen.add(key(rule, field, action));
  }

  private static String key(String rule, String field, RedactionAction action) {
    return rule + '\u0000' + field + '\u0000' + action;
  }

  public boolean isEmpty() {
    return notes == null;
  }

  public List<RedactionNote> list() {
    return notes == null ? List.of() : notes;
  }
}
