package io.retrace.schemas.registry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaIncompatibilityType;

/**
 * The Confluent compatibility levels and the rules behind them, on top of Avro's reader/writer
 * resolution ({@link SchemaCompatibility}). Shared by the in-memory client, the embedded registry
 * server and the deserializer, so that all three give the same verdicts and the same messages.
 *
 * <p>BACKWARD: the new schema can read data written with the previous one. FORWARD: the previous
 * schema can read data written with the new one. FULL: both. The {@code _TRANSITIVE} variants check
 * against every previous version instead of only the latest.
 */
public enum Compatibility {
  NONE(false, false, false),
  BACKWARD(true, false, false),
  BACKWARD_TRANSITIVE(true, false, true),
  FORWARD(false, true, false),
  FORWARD_TRANSITIVE(false, true, true),
  FULL(true, true, false),
  FULL_TRANSITIVE(true, true, true);

  /** Pointer tokens that name a property of the type already reached rather than a field. */
  private static final Set<String> POINTER_LEAVES = Set.of("name", "size", "symbols");

  private final boolean backward;
  private final boolean forward;
  private final boolean transitive;

  Compatibility(boolean backward, boolean forward, boolean transitive) {
    this.backward = backward;
    this.forward = forward;
    this.transitive = transitive;
  }

  /**
   * Whether {@code candidate} may follow {@code previousOldestFirst} at this level.
   *
   * @param previousOldestFirst the subject's earlier schemas, version 1 first
   */
  public boolean check(Schema candidate, List<Schema> previousOldestFirst) {
    return incompatibilities(candidate, previousOldestFirst).isEmpty();
  }

  /**
   * Why {@code candidate} may not follow {@code previousOldestFirst} at this level, one readable
   * line per problem naming the previous schema (#1 is the oldest) and the field; empty when it
   * may.
   */
  public List<String> incompatibilities(Schema candidate, List<Schema> previousOldestFirst) {
    List<String> problems = new ArrayList<>();
    int first = transitive ? 0 : Math.max(0, previousOldestFirst.size() - 1);
    for (int i = first; i < previousOldestFirst.size(); i++) {
      Schema previous = previousOldestFirst.get(i);
      String which = "previous schema #" + (i + 1);
      if (backward) {
        for (String problem : readerWriterIncompatibilities(candidate, previous)) {
          problems.add("new schema cannot read data written with " + which + ": " + problem);
        }
      }
      if (forward) {
        for (String problem : readerWriterIncompatibilities(previous, candidate)) {
          problems.add(which + " cannot read data written with the new schema: " + problem);
        }
      }
    }
    return problems;
  }

  /**
   * Parses a level name, ignoring case.
   *
   * @throws IllegalArgumentException naming the valid levels
   */
  public static Compatibility parse(String level) {
    try {
      return valueOf(level.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException(
          "unknown compatibility level '" + level + "'; expected one of " + List.of(values()), e);
    }
  }

  /**
   * Why data written with {@code writer} cannot be read with {@code reader}, one line per problem
   * in the form {@code "<field path>: <Avro incompatibility type>: <detail>"}; empty when it can.
   * Field paths name fields with dots, union branches in angle brackets, array elements as {@code
   * []} and map values as {@code {}}, e.g. {@code payload<HttpExchange>.status}.
   */
  public static List<String> readerWriterIncompatibilities(Schema reader, Schema writer) {
    List<String> problems = new ArrayList<>();
    collect(reader, writer, "", problems, Collections.newSetFromMap(new IdentityHashMap<>()));
    return problems;
  }

  private static void collect(
      Schema reader, Schema writer, String prefix, List<String> problems, Set<Schema> expanded) {
    List<Incompatibility> found =
        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer)
            .getResult()
            .getIncompatibilities();
    for (Incompatibility incompatibility : found) {
      Located at = locate(reader, writer, incompatibility.getLocation());
      String path =
          prefix.isEmpty() || at.path().isEmpty() ? prefix + at.path() : prefix + "." + at.path();
      Schema readerBranch =
          incompatibility.getType() == SchemaIncompatibilityType.MISSING_UNION_BRANCH
              ? sameNamedBranch(at.reader(), at.writer())
              : null;
      // Avro stops at "reader union lacking writer type: RECORD" for a union of records; when the
      // reader has a record of the same name the real problem is inside it, so look there.
      if (readerBranch != null && expanded.add(readerBranch)) {
        collect(readerBranch, at.writer(), path, problems, expanded);
      } else {
        problems.add(describe(path, incompatibility));
      }
    }
  }

  private static Schema sameNamedBranch(Schema readerUnion, Schema writerBranch) {
    if (readerUnion.getType() != Schema.Type.UNION || !isNamed(writerBranch)) {
      return null;
    }
    for (Schema branch : readerUnion.getTypes()) {
      if (isNamed(branch) && branch.getFullName().equals(writerBranch.getFullName())) {
        return branch;
      }
    }
    return null;
  }

  private static boolean isNamed(Schema schema) {
    return switch (schema.getType()) {
      case RECORD, ENUM, FIXED -> true;
      default -> false;
    };
  }

  private static String describe(String path, Incompatibility incompatibility) {
    String detail =
        incompatibility.getType() == SchemaIncompatibilityType.READER_FIELD_MISSING_DEFAULT_VALUE
            ? "the field is not in the writer's schema and has no default"
            : incompatibility.getMessage();
    return (path.isEmpty() ? "(root)" : path) + ": " + incompatibility.getType() + ": " + detail;
  }

  /** A readable field path and the reader and writer schemas found at its end. */
  private record Located(String path, Schema reader, Schema writer) {}

  /**
   * Turns Avro's JSON-pointer location into field names. Field indexes in the pointer refer to the
   * reader's fields and union indexes to the writer's branches, so both schemas are walked;
   * anything unexpected ends the walk and keeps the rest of the pointer as is.
   */
  private static Located locate(Schema reader, Schema writer, String location) {
    StringBuilder path = new StringBuilder();
    String[] tokens = location.split("/");
    Schema r = reader;
    Schema w = writer;
    int i = 1; // the pointer starts with "/"
    for (; i < tokens.length; i++) {
      String token = tokens[i];
      if (token.equals("type")) {
        continue;
      }
      if (token.equals("fields") && i + 1 < tokens.length && r.getType() == Schema.Type.RECORD) {
        Schema.Field field = r.getFields().get(Integer.parseInt(tokens[++i]));
        path.append(path.length() == 0 ? "" : ".").append(field.name());
        r = field.schema();
        Schema.Field writerField =
            w.getType() == Schema.Type.RECORD
                ? SchemaCompatibility.lookupWriterField(w, field)
                : null;
        w = writerField == null ? w : writerField.schema();
      } else if (token.equals("items") && r.getType() == Schema.Type.ARRAY) {
        path.append("[]");
        r = r.getElementType();
        w = w.getType() == Schema.Type.ARRAY ? w.getElementType() : w;
      } else if (token.equals("values") && r.getType() == Schema.Type.MAP) {
        path.append("{}");
        r = r.getValueType();
        w = w.getType() == Schema.Type.MAP ? w.getValueType() : w;
      } else if (token.chars().allMatch(Character::isDigit) && w.getType() == Schema.Type.UNION) {
        w = w.getTypes().get(Integer.parseInt(token));
        path.append('<').append(isNamed(w) ? w.getName() : w.getType().getName()).append('>');
      } else {
        break;
      }
    }
    if (i < tokens.length && !POINTER_LEAVES.contains(tokens[i])) {
      path.append(path.length() == 0 ? "" : " ").append("at ").append(location);
    }
    return new Located(path.toString(), r, w);
  }
}
