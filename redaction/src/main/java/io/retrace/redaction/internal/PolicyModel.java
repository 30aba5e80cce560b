package io.retrace.redaction.internal;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A validated policy before it is bound to an HMAC key: the version, the merged default scope and
 * one merged scope per service. Merging happens here (built-in defaults, then the file's {@code
 * defaults:}, then {@code services.<name>:}) so that a Redactor only wires lookups.
 */
public final class PolicyModel {
  /** What a field rule matches on. */
  public enum RuleKind {
    HEADERS("headers"),
    QUERY("query"),
    JSON("json"),
    FORM("form"),
    JDBC_PARAMS("jdbcParams"),
    COLUMNS("columns"),
    METHODS("methods"),
    ENV("env");

    private final String key;

    RuleKind(String key) {
      this.key = key;
    }

    public String key() {
      return key;
    }
  }

  /** One rule as the file declares it, its patterns already compiled. */
  public record RuleSpec(
      String name,
      RuleKind kind,
      List<Glob> names,
      List<Integer> indexes,
      List<JsonPath> paths,
      List<JsonPath> args,
      ActionSpec action,
      boolean enabled) {}

  /** One level of configuration; null / absent entries inherit from the level below. */
  public static final class ScopeSpec {
    Boolean failClosed;
    final Map<String, RuleSpec> rules = new LinkedHashMap<>();

    /** A detector mapped to null is switched off. */
    final Map<DetectorKind, ActionSpec> detectors = new EnumMap<>(DetectorKind.class);

    final Map<String, List<Glob>> allowNames = new LinkedHashMap<>();
    final Set<Integer> allowParamIndexes = new HashSet<>();
    final Map<String, List<JsonPath>> allowPaths = new LinkedHashMap<>();

    /** A new spec: this one with {@code over} applied on top. */
    ScopeSpec overlay(ScopeSpec over) {
      ScopeSpec out = new ScopeSpec();
      out.failClosed = over.failClosed != null ? over.failClosed : failClosed;
      // The more specific level comes first, so that where two rules match, its rule wins.
      out.rules.putAll(over.rules);
      rules.forEach(out.rules::putIfAbsent);
      out.detectors.putAll(detectors);
      out.detectors.putAll(over.detectors);
      for (ScopeSpec s : List.of(this, over)) {
        s.allowNames.forEach(
            (k, v) -> out.allowNames.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
        s.allowPaths.forEach(
            (k, v) -> out.allowPaths.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
        out.allowParamIndexes.addAll(s.allowParamIndexes);
      }
      return out;
    }

    Scope compile(Hasher hasher) {
      NameTable<Scope.Rule> headers = new NameTable<>();
      NameTable<Scope.Rule> query = new NameTable<>();
      NameTable<Scope.Rule> form = new NameTable<>();
      NameTable<Scope.Rule> columns = new NameTable<>();
      NameTable<Scope.Rule> env = new NameTable<>();
      NameTable<Scope.Rule> paramNames = new NameTable<>();
      Map<Integer, Scope.Rule> paramIndexes = new java.util.HashMap<>();
      List<Scope.JsonRule> json = new ArrayList<>();
      List<Scope.MethodRule> methods = new ArrayList<>();
      for (RuleSpec r : rules.values()) {
        if (!r.enabled()) {
          continue;
        }
        Scope.Rule rule = new Scope.Rule(r.name(), r.action());
        switch (r.kind()) {
          case HEADERS -> r.names().forEach(g -> headers.put(g, rule));
          case QUERY -> r.names().forEach(g -> query.put(g, rule));
          case FORM -> r.names().forEach(g -> form.put(g, rule));
          case COLUMNS -> r.names().forEach(g -> columns.put(g, rule));
          case ENV -> r.names().forEach(g -> env.put(g, rule));
          case JDBC_PARAMS -> {
            r.names().forEach(g -> paramNames.put(g, rule));
            r.indexes().forEach(i -> paramIndexes.putIfAbsent(i, rule));
          }
          case JSON -> r.paths().forEach(p -> json.add(new Scope.JsonRule(p, rule)));
          case METHODS -> {
            List<Scope.JsonRule> args = new ArrayList<>();
            r.args().forEach(p -> args.add(new Scope.JsonRule(p, rule)));
            methods.add(new Scope.MethodRule(List.copyOf(r.names()), List.copyOf(args)));
          }
        }
      }
      ActionSpec[] det = new ActionSpec[DetectorKind.all().length];
      for (DetectorKind k : DetectorKind.all()) {
        det[k.ordinal()] = detectors.containsKey(k) ? detectors.get(k) : k.defaultAction();
      }
      return new Scope(
          Boolean.TRUE.equals(failClosed),
          headers,
          query,
          form,
          columns,
          env,
          paramNames,
          Map.copyOf(paramIndexes),
          new JsonRules(json),
          List.copyOf(methods),
          det,
          hasher,
          allow("headers"),
          allow("query"),
          allow("form"),
          allow("columns"),
          allow("env"),
          allow("jdbcParams"),
          Set.copyOf(allowParamIndexes),
          allow("contentTypes"),
          paths("json"),
          paths("args"),
          paths("returns"));
    }

    private NameTable<Boolean> allow(String key) {
      NameTable<Boolean> t = new NameTable<>();
      allowNames.getOrDefault(key, List.of()).forEach(g -> t.put(g, Boolean.TRUE));
      return t;
    }

    private List<JsonPath> paths(String key) {
      return List.copyOf(allowPaths.getOrDefault(key, List.of()));
    }
  }

  private final String version;
  private final ScopeSpec defaults;
  private final Map<String, ScopeSpec> services;

  PolicyModel(String version, ScopeSpec defaults, Map<String, ScopeSpec> services) {
    this.version = version;
    this.defaults = defaults;
    this.services = services;
  }

  ScopeSpec defaultsSpec() {
    return defaults;
  }

  public String version() {
    return version;
  }

  /** The compiled scopes: {@code ""} for the defaults, then one per service named in the file. */
  public Map<String, Scope> compile(Hasher hasher) {
    Map<String, Scope> out = new LinkedHashMap<>();
    out.put("", defaults.compile(hasher));
    services.forEach((name, spec) -> out.put(name, spec.compile(hasher)));
    return Map.copyOf(out);
  }
}
