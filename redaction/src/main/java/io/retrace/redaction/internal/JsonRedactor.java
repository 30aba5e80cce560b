package io.retrace.redaction.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.retrace.schemas.event.RedactionAction;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

/**
 * Rewrites a JSON document (or several in a row, as NDJSON) in a single streaming pass: path rules
 * apply where their path matches, detectors run over string values (and long integers, for card
 * numbers), and in fail-closed mode members outside the allow list are left out. The output is
 * discarded, and the input returned as is, when nothing changed. A document that does not parse
 * (often one cut at the agent's body bound) keeps the redacted part read before the error.
 */
public final class JsonRedactor implements NoteField {
  private static final JsonFactory FACTORY =
      new ObjectMapper()
          .getFactory()
          .disable(JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT)
          .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

  private static final SerializedString NEWLINE = new SerializedString("\n");

  private final JsonRules rules;
  private final List<JsonPath> allow;
  private final String field;
  private final TextRedactor text;
  private final Hasher hasher;
  private final Notes notes;

  private String[] keys = new String[16];
  private int[] indexes = new int[16];
  private int depth;
  private final MemberContext context = new MemberContext();
  private boolean changed;
  private JsonParser p;
  private JsonGenerator g;

  private JsonRedactor(
      JsonRules rules,
      List<JsonPath> allow,
      String field,
      TextRedactor text,
      Hasher hasher,
      Notes notes) {
    this.rules = rules;
    this.allow = allow;
    this.field = field;
    this.text = text;
    this.hasher = hasher;
    this.notes = notes;
  }

  /**
   * The redacted document; the same instance when nothing changed; null when fail-closed leaves
   * nothing of it. {@code allow} is null unless the scope is fail-closed.
   */
  public static String redact(
      String json,
      JsonRules rules,
      List<JsonPath> allow,
      String field,
      TextRedactor text,
      Hasher hasher,
      Notes notes) {
    if (allow == null) {
      Edits edits = JsonSplicer.splice(json, rules, text, hasher, field, notes);
      if (edits != null) {
        return edits.applyTo(json);
      }
    }
    return streaming(json, rules, allow, field, text, hasher, notes);
  }

  /**
   * {@link #redact} without trying the fast path first: for callers that have tried {@link
   * JsonSplicer} themselves.
   */
  static String streaming(
      String json,
      JsonRules rules,
      List<JsonPath> allow,
      String field,
      TextRedactor text,
      Hasher hasher,
      Notes notes) {
    return new JsonRedactor(rules, allow, field, text, hasher, notes).run(json);
  }

  @Override
  public String resolve() {
    return field + JsonPath.format(keys, depth);
  }

  private String run(String json) {
    StringWriter out = new StringWriter(json.length());
    try (JsonParser parser = FACTORY.createParser(json);
        JsonGenerator gen = FACTORY.createGenerator(out)) {
      p = parser;
      g = gen;
      // Root-level values in turn: more than one (NDJSON labelled as JSON, or a value after the
      // document) each get the path rules and the detectors, one per line in the output. Scanned
      // as text instead, anything after a document would switch the path rules off.
      g.setRootValueSeparator(NEWLINE);
      JsonToken t = p.nextToken();
      if (t == null) {
        return json;
      }
      do {
        value(t, allow != null);
        t = p.nextToken();
      } while (t != null);
      g.flush();
      if (allow != null && out.getBuffer().length() == 0) {
        return null;
      }
      return changed ? out.toString() : json;
    } catch (JsonProcessingException e) {
      return unparsable(json, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String unparsable(String json, StringWriter out) {
    try {
      g.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String prefix = out.toString();
    if (prefix.isEmpty()) {
      return notJson(json);
    }
    notes.add("invalid-json", field, RedactionAction.TRUNCATE);
    return prefix;
  }

  /** Not JSON despite its label: treated as text, or dropped when fail-closed. */
  private String notJson(String json) {
    if (allow != null) {
      notes.add("fail-closed", field, RedactionAction.DROP);
      return null;
    }
    return text.redact(json, null, () -> field, notes);
  }

  private void push(String key, int index) {
    if (depth == keys.length) {
      keys = Arrays.copyOf(keys, depth * 2);
      indexes = Arrays.copyOf(indexes, depth * 2);
    }
    keys[depth] = key;
    indexes[depth] = index;
    depth++;
  }

  private void writeName() throws IOException {
    if (depth > 0 && keys[depth - 1] != null) {
      g.writeFieldName(keys[depth - 1]);
    }
  }

  private boolean inArray() {
    return depth > 0 && keys[depth - 1] == null;
  }

  private void value(JsonToken t, boolean filter) throws IOException {
    if (t != JsonToken.VALUE_NULL) {
      Scope.Rule rule = rules.match(keys, indexes, depth);
      if (rule != null) {
        applyRule(t, rule);
        return;
      }
    }
    if (filter) {
      if (allowed()) {
        filter = false;
      } else if (!t.isStructStart() || !mayBeAllowedBelow()) {
        p.skipChildren();
        changed = true;
        notes.add("fail-closed", resolve(), RedactionAction.DROP);
        return;
      }
    }
    switch (t) {
      case START_OBJECT -> {
        writeName();
        g.writeStartObject();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          push(p.currentName(), -1);
          value(p.nextToken(), filter);
          depth--;
        }
        g.writeEndObject();
      }
      case START_ARRAY -> {
        writeName();
        g.writeStartArray();
        int i = 0;
        JsonToken item;
        while ((item = p.nextToken()) != JsonToken.END_ARRAY) {
          push(null, i++);
          value(item, filter);
          depth--;
        }
        g.writeEndArray();
      }
      case VALUE_STRING -> {
        String s = p.getText();
        String r = text.redact(s, context(), this, notes);
        changed |= r != s;
        writeName();
        g.writeString(r);
      }
      case VALUE_NUMBER_INT -> {
        String s = p.getText();
        String r =
            s.length() >= JsonSplicer.MIN_NUMBER_SCAN ? text.redact(s, context(), this, notes) : s;
        writeName();
        if (r != s) {
          changed = true;
          g.writeString(r);
        } else {
          g.writeNumber(s);
        }
      }
      case VALUE_NUMBER_FLOAT -> {
        writeName();
        g.writeNumber(p.getText());
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        writeName();
        g.writeBoolean(t == JsonToken.VALUE_TRUE);
      }
      default -> {
        writeName();
        g.writeNull();
      }
    }
  }

  /** The nearest member name around the current value, after the one around that (if any). */
  private CharSequence context() {
    int d = named(depth - 1);
    if (d < 0) {
      return null;
    }
    context.of(keys[d], 0, keys[d].length());
    int outer = named(d - 1);
    if (outer >= 0) {
      context.within(keys[outer], 0, keys[outer].length());
    }
    return context;
  }

  private int named(int d) {
    while (d >= 0 && keys[d] == null) {
      d--;
    }
    return d;
  }

  private void applyRule(JsonToken t, Scope.Rule rule) throws IOException {
    changed = true;
    notes.add(rule.name(), resolve(), rule.action().kind());
    if (rule.action().drops()) {
      p.skipChildren();
      if (inArray()) {
        g.writeNull(); // keeps the positions of the other elements
      }
      return;
    }
    String original = t.isStructStart() ? p.readValueAsTree().toString() : p.getText();
    writeName();
    g.writeString(rule.action().apply(original, hasher));
  }

  private boolean allowed() {
    for (JsonPath a : allow) {
      if (a.matches(keys, indexes, depth)) {
        return true;
      }
    }
    return false;
  }

  private boolean mayBeAllowedBelow() {
    for (JsonPath a : allow) {
      if (a.mayMatchBelow(keys, indexes, depth)) {
        return true;
      }
    }
    return false;
  }
}
