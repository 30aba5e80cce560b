package io.retrace.redaction.internal;

import io.retrace.redaction.internal.PolicyModel.RuleKind;
import io.retrace.redaction.internal.PolicyModel.RuleSpec;
import io.retrace.redaction.internal.PolicyModel.ScopeSpec;
import io.retrace.schemas.event.RedactionAction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a policy document into a {@link PolicyModel}, collecting every problem (with its line)
 * instead of stopping at the first, so that one run shows all that is wrong with a file.
 */
public final class PolicyParser {
  private static final Set<String> TOP_KEYS = Set.of("version", "defaults", "services");
  private static final Set<String> SCOPE_KEYS = Set.of("failClosed", "rules", "detectors", "allow");
  private static final Set<String> RULE_KEYS =
      Set.of(
          "name",
          "headers",
          "query",
          "json",
          "form",
          "jdbcParams",
          "columns",
          "methods",
          "env",
          "args",
          "action",
          "keep",
          "with",
          "enabled");
  private static final Set<String> ACTION_KEYS = Set.of("action", "keep", "with");
  private static final List<String> ALLOW_NAME_KEYS =
      List.of("headers", "query", "form", "columns", "env", "jdbcParams", "contentTypes");
  private static final List<String> ALLOW_PATH_KEYS = List.of("json", "args", "returns");

  private final String source;
  private final List<String> problems;

  private PolicyParser(String source, List<String> problems) {
    this.source = source;
    this.problems = problems;
  }

  /**
   * Parses {@code root} on top of {@code base} (the built-in defaults; null while parsing the
   * built-in file itself). Problems go to {@code problems}; the result is null when there are any.
   */
  public static PolicyModel parse(
      YamlNode root, String source, ScopeSpec base, List<String> problems) {
    PolicyParser p = new PolicyParser(source, problems);
    int before = problems.size();
    PolicyModel model = p.document(root, base == null ? new ScopeSpec() : base);
    return problems.size() == before ? model : null;
  }

  /** The defaults of a parsed built-in model, to serve as the base of every other policy. */
  public static ScopeSpec defaultsOf(PolicyModel builtin) {
    return builtin.defaultsSpec();
  }

  private void problem(YamlNode at, String message) {
    problems.add(source + ":" + (at == null ? 1 : at.line()) + ": " + message);
  }

  private PolicyModel document(YamlNode root, ScopeSpec base) {
    if (root == null || root.kind() != YamlNode.Kind.MAP) {
      problem(root, "a policy is a map with 'version', 'defaults' and 'services'");
      return null;
    }
    unknownKeys(root, TOP_KEYS, "at the top level");
    YamlNode versionNode = root.get("version");
    String version = null;
    if (versionNode == null) {
      problem(root, "'version' is missing (it is stamped, with the hash, on redacted events)");
    } else if (versionNode.kind() != YamlNode.Kind.SCALAR || versionNode.text().isBlank()) {
      problem(versionNode, "'version' must be a non-empty string or number");
    } else {
      version = versionNode.text();
    }
    ScopeSpec defaults = base;
    YamlNode d = root.get("defaults");
    if (d != null) {
      defaults = base.overlay(scope(d, "defaults"));
    }
    Map<String, ScopeSpec> services = new LinkedHashMap<>();
    YamlNode s = root.get("services");
    if (s != null) {
      if (s.kind() != YamlNode.Kind.MAP) {
        problem(s, "'services' must map service names to their settings");
      } else {
        for (Map.Entry<String, YamlNode> e : s.fields().entrySet()) {
          services.put(e.getKey(), defaults.overlay(scope(e.getValue(), "services." + e.getKey())));
        }
      }
    }
    return new PolicyModel(version, defaults, services);
  }

  private ScopeSpec scope(YamlNode node, String where) {
    ScopeSpec spec = new ScopeSpec();
    if (node.kind() == YamlNode.Kind.NULL) {
      return spec;
    }
    if (node.kind() != YamlNode.Kind.MAP) {
      problem(node, "'" + where + "' must be a map with " + SCOPE_KEYS);
      return spec;
    }
    unknownKeys(node, SCOPE_KEYS, "in '" + where + "'");
    YamlNode fc = node.get("failClosed");
    if (fc != null) {
      spec.failClosed = bool(fc, where + ".failClosed");
    }
    YamlNode rules = node.get("rules");
    if (rules != null) {
      if (rules.kind() != YamlNode.Kind.LIST) {
        problem(rules, "'" + where + ".rules' must be a list of rules");
      } else {
        Set<String> names = new java.util.HashSet<>();
        for (YamlNode r : rules.items()) {
          RuleSpec rule = rule(r, where);
          YamlNode name = r.get("name");
          if (name != null && name.kind() == YamlNode.Kind.SCALAR && !names.add(name.text())) {
            problem(r, "rule '" + name.text() + "' is defined twice in '" + where + "'");
          } else if (rule != null) {
            spec.rules.put(rule.name(), rule);
          }
        }
      }
    }
    YamlNode det = node.get("detectors");
    if (det != null) {
      detectors(det, where, spec);
    }
    YamlNode allow = node.get("allow");
    if (allow != null) {
      allow(allow, where, spec);
    }
    return spec;
  }

  private RuleSpec rule(YamlNode r, String where) {
    if (r.kind() != YamlNode.Kind.MAP) {
      problem(
          r, "a rule in '" + where + ".rules' must be a map with a name, a match and an action");
      return null;
    }
    unknownKeys(r, RULE_KEYS, "in a rule");
    YamlNode nameNode = r.get("name");
    String name = null;
    if (nameNode == null || nameNode.kind() != YamlNode.Kind.SCALAR || nameNode.text().isBlank()) {
      problem(nameNode == null ? r : nameNode, "a rule needs a 'name' (it appears in notes)");
    } else {
      name = nameNode.text();
    }
    String label = name == null ? "a rule" : "rule '" + name + "'";
    RuleKind kind = null;
    for (RuleKind k : RuleKind.values()) {
      if (r.get(k.key()) != null) {
        if (kind != null) {
          problem(
              r.get(k.key()),
              label + " matches both '" + kind.key() + "' and '" + k.key() + "'; use two rules");
        } else {
          kind = k;
        }
      }
    }
    boolean enabled = r.get("enabled") == null || bool(r.get("enabled"), label + ".enabled");
    ActionSpec action = null;
    if (r.get("action") == null) {
      if (enabled) {
        problem(r, label + " has no 'action' (drop, mask, hash, truncate or replace)");
      }
    } else {
      action = action(r, label);
    }
    if (kind == null) {
      if (enabled) {
        problem(
            r,
            label
                + " matches nothing: give one of headers, query, json, form, jdbcParams,"
                + " columns, methods, env");
      }
      return name == null ? null : disabled(name);
    }
    List<Glob> names = new ArrayList<>();
    List<Integer> indexes = new ArrayList<>();
    List<JsonPath> paths = new ArrayList<>();
    List<JsonPath> args = new ArrayList<>();
    YamlNode patterns = r.get(kind.key());
    switch (kind) {
      case JSON -> paths.addAll(paths(patterns, label + "." + kind.key()));
      case JDBC_PARAMS -> params(patterns, label, names, indexes);
      default -> names.addAll(globs(patterns, label + "." + kind.key()));
    }
    if (kind == RuleKind.METHODS) {
      YamlNode a = r.get("args");
      if (a == null) {
        problem(r, label + " names methods but no 'args' (JSON paths into the arguments array)");
      } else {
        args.addAll(paths(a, label + ".args"));
      }
    } else if (r.get("args") != null) {
      problem(r.get("args"), label + ": 'args' only goes with 'methods'");
    }
    if (name == null || (action == null && enabled)) {
      return null;
    }
    return new RuleSpec(
        name,
        kind,
        List.copyOf(names),
        List.copyOf(indexes),
        List.copyOf(paths),
        List.copyOf(args),
        action,
        enabled);
  }

  private static RuleSpec disabled(String name) {
    return new RuleSpec(
        name, RuleKind.HEADERS, List.of(), List.of(), List.of(), List.of(), null, false);
  }

  /** The action of a rule or detector map: {@code action}, plus {@code keep} or {@code with}. */
  private ActionSpec action(YamlNode holder, String label) {
    YamlNode a = holder.get("action");
    if (a.kind() != YamlNode.Kind.SCALAR) {
      problem(a, label + ": 'action' must be one of drop, mask, hash, truncate, replace");
      return null;
    }
    YamlNode keepNode = holder.get("keep");
    YamlNode withNode = holder.get("with");
    Integer keep = null;
    if (keepNode != null) {
      keep = nonNegativeInt(keepNode, label + ".keep");
    }
    String verb = a.text().toLowerCase(Locale.ROOT);
    ActionSpec spec;
    switch (verb) {
      case "drop" -> spec = ActionSpec.drop();
      case "hash" -> spec = ActionSpec.hash();
      case "mask" -> spec = ActionSpec.mask(keep == null ? ActionSpec.DEFAULT_MASK_KEEP : keep);
      case "truncate" ->
          spec = ActionSpec.truncate(keep == null ? ActionSpec.DEFAULT_TRUNCATE_KEEP : keep);
      case "replace" -> {
        String with = ActionSpec.DEFAULT_REPLACEMENT;
        if (withNode != null) {
          if (withNode.kind() != YamlNode.Kind.SCALAR) {
            problem(withNode, label + ".with must be a string");
          } else {
            with = withNode.text();
          }
        }
        spec = ActionSpec.replace(with);
      }
      default -> {
        problem(
            a, label + ": unknown action '" + a.text() + "' (drop, mask, hash, truncate, replace)");
        return null;
      }
    }
    if (keepNode != null
        && spec.kind() != RedactionAction.MASK
        && spec.kind() != RedactionAction.TRUNCATE) {
      problem(keepNode, label + ": 'keep' only goes with mask or truncate");
    }
    if (withNode != null && spec.kind() != RedactionAction.REPLACE) {
      problem(withNode, label + ": 'with' only goes with replace");
    }
    return spec;
  }

  private void detectors(YamlNode node, String where, ScopeSpec spec) {
    if (node.kind() != YamlNode.Kind.MAP) {
      problem(node, "'" + where + ".detectors' must map detector names to an action or off");
      return;
    }
    for (Map.Entry<String, YamlNode> e : node.fields().entrySet()) {
      DetectorKind kind = DetectorKind.byId(e.getKey());
      YamlNode v = e.getValue();
      if (kind == null) {
        problem(v, "unknown detector '" + e.getKey() + "' (known: " + detectorIds() + ")");
        continue;
      }
      String label = "detector '" + kind.id() + "'";
      if (v.kind() == YamlNode.Kind.SCALAR) {
        String t = v.text().toLowerCase(Locale.ROOT);
        if (t.equals("off") || t.equals("false")) {
          spec.detectors.put(kind, null);
        } else if (t.equals("on") || t.equals("true")) {
          spec.detectors.put(kind, kind.defaultAction());
        } else {
          ActionSpec a = action(YamlNode.singleton("action", v), label);
          if (a != null) {
            spec.detectors.put(kind, a);
          }
        }
      } else if (v.kind() == YamlNode.Kind.MAP) {
        unknownKeys(v, ACTION_KEYS, "in " + label);
        if (v.get("action") == null) {
          problem(v, label + " needs an 'action'");
        } else {
          ActionSpec a = action(v, label);
          if (a != null) {
            spec.detectors.put(kind, a);
          }
        }
      } else {
        problem(v, label + " must be off, on, an action, or a map with 'action'");
      }
    }
  }

  private static String detectorIds() {
    StringBuilder sb = new StringBuilder();
    for (DetectorKind k : DetectorKind.all()) {
      sb.append(sb.length() == 0 ? "" : ", ").append(k.id());
    }
    return sb.toString();
  }

  private void allow(YamlNode node, String where, ScopeSpec spec) {
    if (node.kind() != YamlNode.Kind.MAP) {
      problem(node, "'" + where + ".allow' must be a map of allow lists");
      return;
    }
    List<String> keys = new ArrayList<>(ALLOW_NAME_KEYS);
    keys.addAll(ALLOW_PATH_KEYS);
    unknownKeys(node, Set.copyOf(keys), "in '" + where + ".allow'");
    for (String key : ALLOW_NAME_KEYS) {
      YamlNode list = node.get(key);
      if (list == null) {
        continue;
      }
      String label = where + ".allow." + key;
      List<Glob> names = new ArrayList<>();
      if (key.equals("jdbcParams")) {
        List<Integer> indexes = new ArrayList<>();
        params(list, label, names, indexes);
        spec.allowParamIndexes.addAll(indexes);
      } else {
        names.addAll(globs(list, label));
      }
      spec.allowNames.computeIfAbsent(key, k -> new ArrayList<>()).addAll(names);
    }
    for (String key : ALLOW_PATH_KEYS) {
      YamlNode list = node.get(key);
      if (list != null) {
        spec.allowPaths
            .computeIfAbsent(key, k -> new ArrayList<>())
            .addAll(paths(list, where + ".allow." + key));
      }
    }
  }

  private List<YamlNode> list(YamlNode node, String label) {
    if (node.kind() == YamlNode.Kind.SCALAR) {
      return List.of(node);
    }
    if (node.kind() != YamlNode.Kind.LIST || node.items().isEmpty()) {
      problem(node, label + " must be a non-empty list");
      return List.of();
    }
    List<YamlNode> out = new ArrayList<>();
    for (YamlNode item : node.items()) {
      if (item.kind() != YamlNode.Kind.SCALAR || item.text().isBlank()) {
        problem(item, label + ": every entry must be a non-empty string");
      } else {
        out.add(item);
      }
    }
    return out;
  }

  private List<Glob> globs(YamlNode node, String label) {
    List<Glob> out = new ArrayList<>();
    for (YamlNode item : list(node, label)) {
      out.add(new Glob(item.text().trim()));
    }
    return out;
  }

  private List<JsonPath> paths(YamlNode node, String label) {
    List<JsonPath> out = new ArrayList<>();
    for (YamlNode item : list(node, label)) {
      try {
        out.add(JsonPath.parse(item.text().trim()));
      } catch (IllegalArgumentException e) {
        problem(item, label + ": '" + item.text() + "' is not a JSON path: " + e.getMessage());
      }
    }
    return out;
  }

  /** JDBC parameters: a 1-based index, or a name (when the driver knows it). */
  private void params(YamlNode node, String label, List<Glob> names, List<Integer> indexes) {
    for (YamlNode item : list(node, label)) {
      String t = item.text().trim();
      if (!t.isEmpty() && Character.isDigit(t.charAt(0))) {
        try {
          int i = Integer.parseInt(t);
          if (i < 1) {
            throw new NumberFormatException();
          }
          indexes.add(i);
        } catch (NumberFormatException e) {
          problem(item, label + ": '" + t + "' is not a parameter index (1, 2, ...) or a name");
        }
      } else {
        names.add(new Glob(t));
      }
    }
  }

  private boolean bool(YamlNode node, String label) {
    if (node.kind() == YamlNode.Kind.SCALAR) {
      String t = node.text().toLowerCase(Locale.ROOT);
      if (t.equals("true")) {
        return true;
      }
      if (t.equals("false")) {
        return false;
      }
    }
    problem(node, label + " must be true or false");
    return false;
  }

  private Integer nonNegativeInt(YamlNode node, String label) {
    if (node.kind() == YamlNode.Kind.SCALAR) {
      try {
        int v = Integer.parseInt(node.text().trim());
        if (v >= 0) {
          return v;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    problem(node, label + " must be a whole number >= 0");
    return null;
  }

  private void unknownKeys(YamlNode map, Set<String> allowed, String where) {
    for (Map.Entry<String, YamlNode> e : map.fields().entrySet()) {
      if (!allowed.contains(e.getKey())) {
        problem(
            e.getValue(),
            "unknown key '"
                + e.getKey()
                + "' "
                + where
                + " (expected one of "
                + new java.util.TreeSet<>(allowed)
                + ")");
      }
    }
  }
}
