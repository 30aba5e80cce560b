package io.retrace.agent.weave;

import java.util.Set;
import java.util.function.Predicate;
import org.objectweb.asm.Type;

/**
 * Matchers on what a class file declares, for the recorders' targets; combine them with {@link
 * Predicate#and}, {@link Predicate#or} and {@link Predicate#not}. Types are named by their binary
 * or primitive names ({@code java.lang.String}, {@code int}, {@code void}).
 */
public final class Matchers {
  private Matchers() {}

  public static Predicate<MethodInfo> named(String name) {
    return m -> m.name().equals(name);
  }

  public static Predicate<MethodInfo> namedOneOf(String... names) {
    Set<String> set = Set.of(names);
    return m -> set.contains(m.name());
  }

  public static Predicate<MethodInfo> nameStartsWith(String prefix) {
    return m -> m.name().startsWith(prefix);
  }

  public static Predicate<MethodInfo> isStatic() {
    return MethodInfo::isStatic;
  }

  public static Predicate<MethodInfo> isPublic() {
    return MethodInfo::isPublic;
  }

  public static Predicate<MethodInfo> isAbstract() {
    return MethodInfo::isAbstract;
  }

  public static Predicate<MethodInfo> takesArguments(int count) {
    return m -> m.argumentTypes().length == count;
  }

  public static Predicate<MethodInfo> takesArgument(int index, String typeName) {
    return m -> {
      Type[] args = m.argumentTypes();
      return index < args.length && args[index].getClassName().equals(typeName);
    };
  }

  public static Predicate<MethodInfo> returns(String typeName) {
    return m -> m.returnType().getClassName().equals(typeName);
  }

  public static Predicate<TypeInfo> typeNamed(String binaryName) {
    return t -> t.name().equals(binaryName);
  }

  public static Predicate<TypeInfo> isInterface() {
    return TypeInfo::isInterface;
  }

  public static Predicate<TypeInfo> hasSuperType(String binaryName) {
    return t -> t.hasSuperType(binaryName);
  }

  public static Predicate<TypeInfo> declaresMethod(Predicate<MethodInfo> method) {
    return t -> t.declaresMethod(method);
  }
}
