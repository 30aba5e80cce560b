package io.retrace.redaction.internal;

/**
 * Runs the detectors of a scope over one text and rewrites the matches with their actions; a
 * dropped match disappears from the text. Returns the same String instance when nothing matched,
 * which is how callers know not to copy anything.
 */
public final class TextRedactor {
  private final ActionSpec[] detectors;
  private final Hasher hasher;
  private final boolean any;

  public TextRedactor(ActionSpec[] detectors, Hasher hasher) {
    this.detectors = detectors;
    this.hasher = hasher;
    boolean a = false;
    for (ActionSpec s : detectors) {
      a |= s != null;
    }
    this.any = a;
  }

  ActionSpec[] detectors() {
    return detectors;
  }

  /**
   * The redacted text; {@code context} is the name the text was found under (or null), {@code
   * field} the note path.
   */
  public String redact(String text, CharSequence context, NoteField field, Notes notes) {
    if (!any || text == null || text.length() < 3) {
      return text;
    }
    Spans s = notes.spans();
    Detectors.scan(text, context, detectors, s);
    if (s.size() == 0) {
      return text;
    }
    s.normalize();
    StringBuilder out = new StringBuilder(text.length());
    int pos = 0;
    for (int i = 0; i < s.size(); i++) {
      DetectorKind kind = s.kind(i);
      ActionSpec action = detectors[kind.ordinal()];
      out.append(text, pos, s.start(i));
      String replaced = action.apply(text.substring(s.start(i), s.end(i)), hasher);
      if (replaced != null) {
        out.append(replaced);
      }
      pos = s.end(i);
      notes.add(kind.ruleName(), field.resolve(), action.kind());
    }
    out.append(text, pos, text.length());
    return out.toString();
  }
}
