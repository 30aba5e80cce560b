package io.retrace.agent.weave;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * How a class of advice says what the {@link Weaver} binds. An advice class (in {@code
 * io.retrace.agent.bootstrap}, so that every class loader sees it) has a static method marked
 * {@link OnEnter}, one marked {@link OnExit}, or both; the instrumented method calls them, and each
 * of their parameters is bound by its annotation. The annotations are kept in the class file only
 * (read by the weaver with ASM, never by reflection).
 */
public final class Advice {
  private Advice() {}

  /**
   * Called first. Its result is what {@link Enter} binds in the exit advice. With {@code
   * skipOnNonNull} a non-null result skips the method's own body: the method returns its default
   * value, which the exit advice then replaces (replay). With {@code replacesArguments}, the result
   * is an {@code Object[]} or null; when not null, element {@code i + 1} replaces the argument
   * {@code replacesArguments[i]} before the body runs (element 0 is left to the exit advice).
   */
  @Retention(RetentionPolicy.CLASS)
  @Target(ElementType.METHOD)
  public @interface OnEnter {
    boolean skipOnNonNull() default false;

    int[] replacesArguments() default {};
  }

  /**
   * Called when the method returns, and with {@code onThrowable} also when it throws (the throwable
   * is thrown on afterwards). A result, if it has one, replaces the value the method returns (on
   * return only).
   */
  @Retention(RetentionPolicy.CLASS)
  @Target(ElementType.METHOD)
  public @interface OnExit {
    boolean onThrowable() default false;
  }

  /** The instance the method runs on; null in a static method. */
  @Retention(RetentionPolicy.CLASS)
  @Target(ElementType.PARAMETER)
  public @interface This {}

  /** An argument of the method, boxed if the parameter is a reference and the argument is not. */
  @Retention(RetentionPolicy.CLASS)
  @Target(ElementType.PARAMETER)
  public @interface Argument {
    int value();
  }

  /** Every argument of the method in a new {@code Object[]}, primitives boxed. */
  @Retention(RetentionPolicy.CLASS)
  @Target(ElementType.PARAMETER)
  public @interface AllArguments {}

  /**
   * The value the method returns (boxed for an {@code Object} parameter; null for a void method),
   * or its default when it threw or was skipped.
   */
  @Retention(RetentionPolicy.CLASS)
  @Target(ElementType.PARAMETER)
  public @interface Return {}

  /** What the method threw, or null. */
  @Retention(RetentionPolicy.CLASS)
  @Target(ElementType.PARAMETER)
  public @interface Thrown {}

  /** The enter advice's result. */
  @Retention(RetentionPolicy.CLASS)
  @Target(ElementType.PARAMETER)
  public @interface Enter {}

  /**
   * A {@code String} constant naming the instrumented method's place: {@code #t} is replaced by the
   * declaring type's binary name, {@code #m} by the method's name, so {@code "#t.#m"} gives {@code
   * java.util.Random.nextInt}.
   */
  @Retention(RetentionPolicy.CLASS)
  @Target(ElementType.PARAMETER)
  public @interface Site {
    String value();
  }
}
