package io.retrace.redaction.internal;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The compiled rules for one service (or the defaults): lookups by name, compiled JSON paths, the
 * detector actions and, in fail-closed mode, the allow lists. Immutable and shared by threads.
 */
public final class Scope {
  /** A named rule with its action. */
  public record Rule(String name, ActionSpec action) {}

  /** A JSON path and the rule applied at it. */
  public record JsonRule(JsonPath path, Rule rule) {}

  /** The argument paths of the methods a rule names ({@code com.acme.Auth#login}). */
  public record MethodRule(List<Glob> methods, List<JsonRule> args) {
    public boolean appliesTo(String signature) {
      for (Glob g : methods) {
        if (g.matches(signature)) {
          return true;
        }
      }
      return false;
    }
  }

  final boolean failClosed;
  final NameTable<Rule> headers;
  final NameTable<Rule> query;
  final NameTable<Rule> form;
  final NameTable<Rule> columns;
  final NameTable<Rule> env;
  final NameTable<Rule> paramNames;
  final Map<Integer, Rule> paramIndexes;
  final JsonRules json;
  final List<MethodRule> methods;
  final ActionSpec[] detectors;
  final TextRedactor text;

  final NameTable<Boolean> allowHeaders;
  final NameTable<Boolean> allowQuery;
  final NameTable<Boolean> allowForm;
  final NameTable<Boolean> allowColumns;
  final NameTable<Boolean> allowEnv;
  final NameTable<Boolean> allowParamNames;
  final Set<Integer> allowParamIndexes;
  final NameTable<Boolean> allowContentTypes;
  final List<JsonPath> allowJson;
  final List<JsonPath> allowArgs;
  final List<JsonPath> allowReturns;

  Scope(
      boolean failClosed,
      NameTable<Rule> headers,
      NameTable<Rule> query,
      NameTable<Rule> form,
      NameTable<Rule> columns,
      NameTable<Rule> env,
      NameTable<Rule> paramNames,
      Map<Integer, Rule> paramIndexes,
      JsonRules json,
      List<MethodRule> methods,
      ActionSpec[] detectors,
      Hasher hasher,
      NameTable<Boolean> allowHeaders,
      NameTable<Boolean> allowQuery,
      NameTable<Boolean> allowForm,
      NameTable<Boolean> allowColumns,
      NameTable<Boolean> allowEnv,
      NameTable<Boolean> allowParamNames,
      Set<Integer> allowParamIndexes,
      NameTable<Boolean> allowContentTypes,
      List<JsonPath> allowJson,
      List<JsonPath> allowArgs,
      List<JsonPath> allowReturns) {
    this.failClosed = failClosed;
    this.headers = headers;
    this.query = query;
    this.form = form;
    this.columns = columns;
    this.env = env;
    this.paramNames = paramNames;
    this.paramIndexes = paramIndexes;
    this.json = json;
    this.methods = methods;
    this.detectors = detectors;
    this.text = new TextRedactor(detectors, hasher);
    this.allowHeaders = allowHeaders;
    this.allowQuery = allowQuery;
    this.allowForm = allowForm;
    this.allowColumns = allowColumns;
    this.allowEnv = allowEnv;
    this.allowParamNames = allowParamNames;
    this.allowParamIndexes = allowParamIndexes;
    this.allowContentTypes = allowContentTypes;
    this.allowJson = allowJson;
    this.allowArgs = allowArgs;
    this.allowReturns = allowReturns;
  }

  public boolean failClosed() {
    return failClosed;
  }
}
