package io.retrace.redaction.internal;

import java.util.Objects;

/**
 * Runs the detectors of a scope over one text and rewrites the matches with their actions; a
 * dropped match disappears from the text. Returns the same String instance when nothing matched,
 * which is how callers know not to copy anything.
 *
 * <p>Short texts that scanned clean are remembered, with the name they were found under: most of
 * what is scanned repeats verbatim from one request to the next (header values such as hosts,
 * content types, user agents and dates; SQL text; URLs), and the detectors' work on a value with
 * digits and punctuation costs several times what comparing it with a remembered copy does. The
 * memory is a direct-mapped table of {@value #CLEAN_SLOTS} slots holding texts of at most {@value
 * #CLEAN_MAX_CHARS} characters, under 0.5 KB an entry with its name, so at most ~256 KB per scope
 * of the policy; a slot is overwritten by the next clean text that maps to it. Whether a text is
 * clean depends only on the text, its name and this redactor's detectors, so a remembered text is
 * answered exactly as a scan would answer it. Threads share the table without locks: a slot holds
 * an immutable entry, and a thread that reads another's entry late only misses.
 */
public final class TextRedactor {
  static final int CLEAN_SLOTS = 512;
  static final int CLEAN_MAX_CHARS = 160;

  private final ActionSpec[] detectors;
  private final Hasher hasher;
  private final boolean any;
  private final Clean[] clean = new Clean[CLEAN_SLOTS];

  /** A text that scanned clean under {@code context} (null when found under no name). */
  private record Clean(String context, String text) {}

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
    // A context other than a String may change after the call, so its texts are not remembered.
    boolean remember =
        text.length() <= CLEAN_MAX_CHARS && (context == null || context instanceof String);
    int slot = 0;
    if (remember) {
      slot = slot(text, (String) context);
      Clean c = clean[slot];
      if (c != null && c.text.equals(text) && Objects.equals(c.context, context)) {
        return text;
      }
    }
    Spans s = notes.spans();
    Detectors.scan(text, context, detectors, s);
    if (s.size() == 0) {
      if (remember) {
        clean[slot] = new Clean((String) context, text);
      }
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

  private static int slot(String text, String context) {
    int h = text.hashCode() * 31 + (context == null ? 0 : context.hashCode());
    h ^= h >>> 16;
    return h & (CLEAN_SLOTS - 1);
  }
}
