package io.retrace.agent.recorder;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.implementation.bytecode.constant.TextConstant;

/**
 * Binds an advice's {@code String} parameter to the instrumented method's place, as a constant:
 * {@code "#t"} is the declaring type's binary name, {@code "#m"} the method's name, so {@code
 * "#t.#m"} gives {@code java.util.Random.nextInt}. It renders what {@code @Advice.Origin} renders
 * for these patterns, but as a plain text constant: ByteBuddy's {@code Origin} initialises its
 * constant and {@code JavaType} machinery, whose ~10 reflective proxies are a large part of what
 * makes the JDK's internal ASM hot enough for C2 at start-up (docs/agent.md, "Start-up").
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Site {
  /** The pattern: {@code #t} and {@code #m} are replaced, everything else is kept. */
  String value();

  /** The mapping that advice parsing needs to resolve {@link Site}. */
  final class Mapping implements Advice.OffsetMapping.Factory<Site> {
    static final Mapping INSTANCE = new Mapping();

    private Mapping() {}

    @Override
    public Class<Site> getAnnotationType() {
      return Site.class;
    }

    @Override
    public Advice.OffsetMapping make(
        ParameterDescription.InDefinedShape target,
        AnnotationDescription.Loadable<Site> annotation,
        AdviceType adviceType) {
      if (!target.getType().asErasure().represents(String.class)) {
        throw new IllegalStateException("@Site needs a String parameter: " + target);
      }
      return new Rendered(annotation.getValue("value").resolve(String.class));
    }
  }

  /** The constant for one pattern. */
  final class Rendered implements Advice.OffsetMapping {
    private final String pattern;

    Rendered(String pattern) {
      this.pattern = pattern;
    }

    @Override
    public Target resolve(
        TypeDescription instrumentedType,
        MethodDescription instrumentedMethod,
        Assigner assigner,
        Advice.ArgumentHandler argumentHandler,
        Sort sort) {
      return new Target.ForStackManipulation(new TextConstant(render(pattern, instrumentedMethod)));
    }

    static String render(String pattern, MethodDescription method) {
      return pattern
          .replace("#t", method.getDeclaringType().asErasure().getName())
          .replace("#m", method.getInternalName());
    }
  }
}
