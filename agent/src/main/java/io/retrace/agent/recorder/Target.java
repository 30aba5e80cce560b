package io.retrace.agent.recorder;

import io.retrace.agent.weave.MethodInfo;
import io.retrace.agent.weave.TypeInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The types one recorder instruments and the advice for their methods. A type is first matched on
 * its name and class loader alone, which costs next to nothing for each class the application
 * loads; only those candidates are parsed for the precise match on their declaration and hierarchy.
 */
public final class Target {
  /** The exact binary names matched, or empty for a {@link #where} target. */
  private final Set<String> names;

  private final Predicate<String> candidateName;
  private String visibleClass;
  private boolean onlyInSessions;
  private boolean startsSessions;

  /** Null for a {@link #named} target: its name is the whole match. */
  private final Predicate<TypeInfo> type;

  private final List<MethodAdvice> advice = new ArrayList<>();

  /** Advice applied to the methods a matcher selects. */
  record MethodAdvice(Predicate<MethodInfo> methods, Class<?> advice) {}

  private Target(Set<String> names, Predicate<String> candidateName, Predicate<TypeInfo> type) {
    this.names = names;
    this.candidateName = candidateName;
    this.type = type;
  }

  /** Exactly the classes of these binary names, in any class loader. */
  public static Target named(String... names) {
    return new Target(Set.of(names), null, null);
  }

  /**
   * Classes of application class loaders (not the JDK's) whose binary name passes {@code
   * candidateName} and whose description then matches {@code type}.
   */
  public static Target where(Predicate<String> candidateName, Predicate<TypeInfo> type) {
    return new Target(Set.of(), candidateName, type);
  }

  /**
   * Only in class loaders that can see {@code className}: classes of other loaders are not even
   * parsed (e.g. no servlet can exist where the servlet API is absent).
   */
  public Target inLoadersSeeing(String className) {
    visibleClass = className;
    return this;
  }

  /**
   * Its advice records nothing outside a session: a class already loaded when the agent starts may
   * be instrumented beside the application's start-up, as long as no session starts before.
   */
  public Target recordsOnlyInSessions() {
    onlyInSessions = true;
    return this;
  }

  /** Its advice starts sessions: it waits for the {@link #recordsOnlyInSessions} targets. */
  public Target startsSessions() {
    startsSessions = true;
    return this;
  }

  boolean onlyInSessions() {
    return onlyInSessions;
  }

  boolean isSessionStart() {
    return startsSessions;
  }

  /** Applies {@code adviceClass}, a class of static advice methods, to the selected methods. */
  public Target advice(Predicate<MethodInfo> methods, Class<?> adviceClass) {
    advice.add(new MethodAdvice(methods, adviceClass));
    return this;
  }

  Set<String> names() {
    return names;
  }

  /** The cheap test, on the name alone; for a {@link #where} target. */
  boolean isCandidateName(String binaryName) {
    return candidateName != null && candidateName.test(binaryName);
  }

  /** A class the loader must see, or null. */
  String visibleClass() {
    return visibleClass;
  }

  /** Matched by its name alone: the class need not be described. */
  boolean matchesByName() {
    return type == null;
  }

  boolean matches(TypeInfo description) {
    return type == null || type.test(description);
  }

  List<MethodAdvice> advice() {
    return advice;
  }
}
