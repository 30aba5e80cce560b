package io.retrace.redaction.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A parsed YAML document that remembers the line of every node, so that policy problems can name
 * the line they are on. Jackson's tree model drops locations, hence this small tree.
 */
public final class YamlNode {
  /** What a node is. */
  public enum Kind {
    MAP,
    LIST,
    SCALAR,
    NULL
  }

  private static final YAMLFactory YAML = new YAMLFactory();

  private final Kind kind;
  private final int line;
  private final String text;
  private final Map<String, YamlNode> fields;
  private final List<YamlNode> items;

  private YamlNode(
      Kind kind, int line, String text, Map<String, YamlNode> fields, List<YamlNode> items) {
    this.kind = kind;
    this.line = line;
    this.text = text;
    this.fields = fields;
    this.items = items;
  }

  /**
   * Parses {@code yaml}; syntax errors and duplicate keys are added to {@code problems} (already
   * prefixed with source and line). Returns null when the text is not YAML at all.
   */
  public static YamlNode parse(String yaml, String sourceName, List<String> problems) {
    try (JsonParser parser = YAML.createParser(yaml)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        return new YamlNode(Kind.NULL, 1, null, Map.of(), List.of());
      }
      return read(parser, sourceName, problems);
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      problems.add(
          sourceName
              + ":"
              + (loc == null ? 1 : loc.getLineNr())
              + ": not valid YAML: "
              + e.getOriginalMessage());
      return null;
    } catch (IOException e) {
      problems.add(sourceName + ":1: cannot read: " + e.getMessage());
      return null;
    }
  }

  private static YamlNode read(JsonParser parser, String sourceName, List<String> problems)
      throws IOException {
    int line = parser.currentTokenLocation().getLineNr();
    JsonToken token = parser.currentToken();
    switch (token) {
      case START_OBJECT:
        {
          Map<String, YamlNode> fields = new LinkedHashMap<>();
          while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            int keyLine = parser.currentTokenLocation().getLineNr();
            parser.nextToken();
            YamlNode value = read(parser, sourceName, problems);
            if (fields.putIfAbsent(name, value) != null) {
              problems.add(sourceName + ":" + keyLine + ": duplicate key '" + name + "'");
            }
          }
          return new YamlNode(Kind.MAP, line, null, Collections.unmodifiableMap(fields), List.of());
        }
      case START_ARRAY:
        {
          List<YamlNode> items = new ArrayList<>();
          while (parser.nextToken() != JsonToken.END_ARRAY) {
            items.add(read(parser, sourceName, problems));
          }
          return new YamlNode(Kind.LIST, line, null, Map.of(), List.copyOf(items));
        }
      case VALUE_NULL:
        return new YamlNode(Kind.NULL, line, null, Map.of(), List.of());
      default:
        return new YamlNode(Kind.SCALAR, line, parser.getText(), Map.of(), List.of());
    }
  }

  /** A one-entry map at {@code value}'s line, e.g. to read {@code email: hash} as an action. */
  public static YamlNode singleton(String key, YamlNode value) {
    return new YamlNode(Kind.MAP, value.line, null, Map.of(key, value), List.of());
  }

  public Kind kind() {
    return kind;
  }

  public int line() {
    return line;
  }

  /** The scalar's text; null for maps, lists and nulls. */
  public String text() {
    return text;
  }

  /** A map's entries in file order; empty for other kinds. */
  public Map<String, YamlNode> fields() {
    return fields;
  }

  public YamlNode get(String key) {
    return fields.get(key);
  }

  /** A list's items; empty for other kinds. */
  public List<YamlNode> items() {
    return items;
  }

  /**
   * A canonical text of this node: map keys sorted, no comments, no formatting, so that two files
   * that say the same thing have the same canonical form.
   */
  public void canonical(StringBuilder out) {
    switch (kind) {
      case MAP:
        out.append('{');
        new TreeMap<>(fields)
            .forEach(
                (k, v) -> {
                  quote(k, out);
                  out.append(':');
                  v.canonical(out);
                  out.append(',');
                });
        out.append('}');
        break;
      case LIST:
        out.append('[');
        for (YamlNode item : items) {
          item.canonical(out);
          out.append(',');
        }
        out.append(']');
        break;
      case SCALAR:
        quote(text, out);
        break;
      default:
        out.append("null");
    }
  }

  private static void quote(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\');
      }
      out.append(c);
    }
    out.append('"');
  }
}
