package io.retrace.redaction.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON rules of a scope, indexed by the member name each path ends with, so that a document
 * member costs one hash lookup instead of a walk over every path.
 */
public final class JsonRules {
  public static final JsonRules NONE = new JsonRules(List.of());

  private final Map<String, List<Scope.JsonRule>> byLastKey = new HashMap<>();
  private final NameTable<Boolean> lastKeys = new NameTable<>();
  private final List<Scope.JsonRule> other = new ArrayList<>();

  public JsonRules(List<Scope.JsonRule> rules) {
    for (Scope.JsonRule r : rules) {
      String k = r.path().lastKey();
      if (k == null) {
        other.add(r);
      } else {
        byLastKey.computeIfAbsent(k, x -> new ArrayList<>()).add(r);
        lastKeys.put(new Glob(k), Boolean.TRUE);
      }
    }
  }

  public boolean isEmpty() {
    return byLastKey.isEmpty() && other.isEmpty();
  }

  /** True when some rule does not end with a member name, so any member may match it. */
  public boolean hasUnkeyedRules() {
    return !other.isEmpty();
  }

  /** True when a rule ends with member {@code key}; false means no rule can match there. */
  public boolean mayMatchKey(String key) {
    return !byLastKey.isEmpty() && lastKeys.mayBeLiteral(key) && lastKeys.contains(key);
  }

  /** {@link #mayMatchKey(String)} for the member name at {@code [from, to)} of {@code text}. */
  public boolean mayMatchKey(String text, int from, int to) {
    return !byLastKey.isEmpty()
        && lastKeys.mayBeLiteral(text, from, to)
        && lastKeys.contains(text, from, to);
  }

  /** The first rule (in policy order within each group) matching the location, or null. */
  public Scope.Rule match(String[] keys, int[] indexes, int depth) {
    if (depth > 0 && keys[depth - 1] != null && mayMatchKey(keys[depth - 1])) {
      List<Scope.JsonRule> candidates = byLastKey.get(keys[depth - 1].toLowerCase(Locale.ROOT));
      if (candidates != null) {
        for (Scope.JsonRule r : candidates) {
          if (r.path().matches(keys, indexes, depth)) {
            return r.rule();
          }
        }
      }
    }
    for (Scope.JsonRule r : other) {
      if (r.path().matches(keys, indexes, depth)) {
        return r.rule();
      }
    }
    return null;
  }
}
