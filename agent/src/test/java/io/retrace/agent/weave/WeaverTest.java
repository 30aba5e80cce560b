package io.retrace.agent.weave;

import static io.retrace.agent.weave.Matchers.named;
import static io.retrace.agent.weave.Matchers.namedOneOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Weaves {@link Subject}'s methods, of every shape advice meets (branches and loops with their
 * frames, try-catch, synchronized, long and double slots, static and void), loads the result in a
 * class loader of its own (so the JVM verifies it) and checks what runs.
 */
class WeaverTest {
  /** What the advice saw, in order. */
  static final List<String> calls = new ArrayList<>();

  /** Non-null: {@link ReplayAdvice} answers this instead of running the method. */
  static Object replayed;

  public static final class Subject {
    private final Object lock = new Object();

    public String greet(String name) {
      if (name.isEmpty()) {
        return "nobody";
      }
      StringBuilder out = new StringBuilder();
      for (int i = 0; i < 2; i++) {
        out.append(name);
      }
      return out.toString();
    }

    public static long sum(int count, long start) {
      long total = start;
      for (int i = 1; i <= count; i++) {
        total += i;
      }
      return total;
    }

    public double half(double value) {
      return value / 2;
    }

    public int parse(String text) {
      try {
        return Integer.parseInt(text);
      } catch (NumberFormatException e) {
        if (text.equals("boom")) {
          throw new IllegalStateException("boom", e);
        }
        return -1;
      }
    }

    public int locked(int value) {
      synchronized (lock) {
        if (value > 10) {
          return value * 2;
        }
      }
      return value;
    }

    public void nothing() {}
  }

  /** Records every call: arguments, outcome, the site. */
  public static final class RecordingAdvice {
    @Advice.OnEnter
    public static Object enter(
        @Advice.This Object self,
        @Advice.Site("#t.#m") String site,
        @Advice.AllArguments Object[] args) {
      String handle = site.substring(site.lastIndexOf('.') + 1) + List.of(args);
      calls.add("enter " + handle + (self == null ? " static" : ""));
      return handle;
    }

    @Advice.OnExit(onThrowable = true)
    public static void exit(
        @Advice.Enter Object handle,
        @Advice.Return Object returned,
        @Advice.Thrown Throwable thrown) {
      calls.add("exit " + handle + " -> " + returned + (thrown == null ? "" : " threw " + thrown));
    }
  }

  /** Answers {@link #replayed} instead of the method, as replay does. */
  public static final class ReplayAdvice {
    @Advice.OnEnter(skipOnNonNull = true)
    public static Object enter() {
      return replayed;
    }

    @Advice.OnExit
    public static Object exit(@Advice.Enter Object replayed, @Advice.Return Object value) {
      return replayed != null ? replayed : value;
    }
  }

  /** Replaces the first argument. */
  public static final class ArgumentAdvice {
    @Advice.OnEnter(replacesArguments = 0)
    public static Object[] enter(@Advice.Argument(0) String name) {
      return name.equals("bob") ? new Object[] {null, "robert"} : null;
    }
  }

  /** Advice that fails: the method must run as if unadvised. */
  public static final class FailingAdvice {
    @Advice.OnEnter
    public static Object enter(@Advice.Argument(0) Object any) {
      throw new IllegalStateException("enter fails");
    }

    @Advice.OnExit(onThrowable = true)
    public static Object exit(@Advice.Return Object value) {
      throw new IllegalStateException("exit fails");
    }
  }

  @BeforeEach
  void reset() {
    calls.clear();
    replayed = null;
  }

  @Test
  void recordsArgumentsResultsAndThrowablesOfEveryShape() throws Throwable {
    Class<?> woven = weave(Subject.class, m -> true, RecordingAdvice.class);
    Object subject = woven.getDeclaredConstructor().newInstance();

    assertThat(call(subject, "greet", "ab")).isEqualTo("abab");
    assertThat(call(subject, "greet", "")).isEqualTo("nobody");
    assertThat(call(null, woven, "sum", 2, 40L)).isEqualTo(43L);
    assertThat(call(subject, "half", 5.0)).isEqualTo(2.5);
    assertThat(call(subject, "parse", "7")).isEqualTo(7);
    assertThat(call(subject, "parse", "x")).isEqualTo(-1);
    assertThatThrownBy(() -> call(subject, "parse", "boom"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("boom");
    assertThat(call(subject, "locked", 11)).isEqualTo(22);
    assertThat(call(subject, "locked", 3)).isEqualTo(3);
    call(subject, "nothing");

    assertThat(calls)
        .containsExactly(
            "enter greet[ab]",
            "exit greet[ab] -> abab",
            "enter greet[]",
            "exit greet[] -> nobody",
            "enter sum[2, 40] static",
            "exit sum[2, 40] -> 43",
            "enter half[5.0]",
            "exit half[5.0] -> 2.5",
            "enter parse[7]",
            "exit parse[7] -> 7",
            "enter parse[x]",
            "exit parse[x] -> -1",
            "enter parse[boom]",
            "exit parse[boom] -> 0 threw java.lang.IllegalStateException: boom",
            "enter locked[11]",
            "exit locked[11] -> 22",
            "enter locked[3]",
            "exit locked[3] -> 3",
            "enter nothing[]",
            "exit nothing[] -> null");
  }

  @Test
  void aNonNullEnterResultSkipsTheBodyAndReplacesTheResult() throws Throwable {
    Class<?> woven = weave(Subject.class, namedOneOf("greet", "sum"), ReplayAdvice.class);
    Object subject = woven.getDeclaredConstructor().newInstance();

    assertThat(call(subject, "greet", "ab")).isEqualTo("abab");
    replayed = "from the recording";
    assertThat(call(subject, "greet", "ab")).isEqualTo("from the recording");
    replayed = 99L;
    assertThat(call(null, woven, "sum", 1, 0L)).isEqualTo(99L);
  }

  @Test
  void theEnterResultReplacesArguments() throws Throwable {
    Class<?> woven = weave(Subject.class, named("greet"), ArgumentAdvice.class);
    Object subject = woven.getDeclaredConstructor().newInstance();

    assertThat(call(subject, "greet", "bob")).isEqualTo("robertrobert");
    assertThat(call(subject, "greet", "al")).isEqualTo("alal");
  }

  @Test
  void failingAdviceLeavesTheMethodAsItWas() throws Throwable {
    Class<?> woven =
        weave(Subject.class, namedOneOf("greet", "parse", "half"), FailingAdvice.class);
    Object subject = woven.getDeclaredConstructor().newInstance();

    assertThat(call(subject, "greet", "ab")).isEqualTo("abab");
    assertThat(call(subject, "half", 3.0)).isEqualTo(1.5);
    assertThatThrownBy(() -> call(subject, "parse", "boom"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("boom");
  }

  @Test
  void anOldClassFileWithoutFramesIsWovenWithoutFrames() throws Throwable {
    // The same class as a Java 5 class file: no StackMapTable, the JVM infers the types itself.
    ClassReader reader = new ClassReader(ClassFiles.of(Subject.class));
    ClassWriter writer = new ClassWriter(0);
    reader.accept(
        new ClassVisitor(Weaver.API, writer) {
          @Override
          public void visit(
              int version,
              int access,
              String name,
              String signature,
              String superName,
              String[] interfaces) {
            super.visit(Opcodes.V1_5, access, name, signature, superName, interfaces);
          }
        },
        ClassReader.SKIP_FRAMES);
    Object subject =
        weave(Subject.class.getName(), writer.toByteArray(), m -> true, RecordingAdvice.class)
            .getDeclaredConstructor()
            .newInstance();

    assertThat(call(subject, "locked", 11)).isEqualTo(22);
    assertThat(call(subject, "parse", "x")).isEqualTo(-1);
    assertThat(calls)
        .containsExactly(
            "enter locked[11]", "exit locked[11] -> 22", "enter parse[x]", "exit parse[x] -> -1");
  }

  @Test
  void aReturnWithValuesLeftBelowOnTheStackIsAdvised() throws Throwable {
    // javac never leaves values on the stack under a return; other compilers may. Built by hand:
    // static int leftover(int x) { push x; push 7; return the 7 }, the x still on the stack.
    String name = "io.retrace.agent.weave.Leftover";
    ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
    writer.visit(
        Opcodes.V17, Opcodes.ACC_PUBLIC, name.replace('.', '/'), null, "java/lang/Object", null);
    MethodVisitor method =
        writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "leftover", "(I)I", null, null);
    method.visitCode();
    method.visitVarInsn(Opcodes.ILOAD, 0);
    Label positive = new Label();
    method.visitVarInsn(Opcodes.ILOAD, 0);
    method.visitJumpInsn(Opcodes.IFGT, positive);
    method.visitIntInsn(Opcodes.BIPUSH, -7);
    method.visitInsn(Opcodes.IRETURN);
    method.visitLabel(positive);
    method.visitIntInsn(Opcodes.BIPUSH, 7);
    method.visitInsn(Opcodes.IRETURN);
    method.visitMaxs(0, 0);
    method.visitEnd();
    writer.visitEnd();
    Class<?> leftover = weave(name, writer.toByteArray(), m -> true, RecordingAdvice.class);

    assertThat(call(null, leftover, "leftover", 3)).isEqualTo(7);
    assertThat(call(null, leftover, "leftover", -3)).isEqualTo(-7);
    assertThat(calls)
        .containsExactly(
            "enter leftover[3] static",
            "exit leftover[3] -> 7",
            "enter leftover[-3] static",
            "exit leftover[-3] -> -7");
  }

  @Test
  void aClassWithNoMatchingMethodIsLeftAlone() throws Exception {
    byte[] classFile = ClassFiles.of(Subject.class);
    TypeInfo type = TypeInfo.parse(classFile, getClass().getClassLoader());

    assertThat(
            Weaver.weave(
                classFile,
                type,
                List.of(
                    new Weaver.Applied(named("absent"), AdviceMethods.of(RecordingAdvice.class)))))
        .isNull();
  }

  @Test
  void typeInfoFindsSuperTypesThroughClassFiles() throws Exception {
    TypeInfo list = TypeInfo.parse(ClassFiles.of(ArrayList.class), null);

    assertThat(list.name()).isEqualTo("java.util.ArrayList");
    assertThat(list.hasSuperType("java.util.Collection")).isTrue();
    assertThat(list.hasSuperType("java.lang.Iterable")).isTrue();
    assertThat(list.hasSuperType("java.util.Map")).isFalse();
    assertThat(list.declaresMethod(named("trimToSize"))).isTrue();
  }

  @Test
  void anAdviceClassWithAnUnboundParameterIsRefused() {
    assertThatThrownBy(() -> AdviceMethods.of(Unbound.class))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("parameter 0 has no binding annotation");
  }

  public static final class Unbound {
    @Advice.OnEnter
    public static void enter(Object nothing) {}
  }

  private static Object call(Object subject, String method, Object... args) throws Throwable {
    return call(subject, subject.getClass(), method, args);
  }

  private static Object call(Object subject, Class<?> type, String method, Object... args)
      throws Throwable {
    for (Method m : type.getMethods()) {
      if (m.getName().equals(method) && m.getParameterCount() == args.length) {
        try {
          return m.invoke(subject, args);
        } catch (InvocationTargetException e) {
          throw e.getCause();
        }
      }
    }
    throw new NoSuchMethodException(method);
  }

  private Class<?> weave(Class<?> type, Predicate<MethodInfo> methods, Class<?> advice)
      throws IOException, ClassNotFoundException {
    return weave(type.getName(), ClassFiles.of(type), methods, advice);
  }

  /** Weaves {@code classFile}, the class {@code name}, and loads it where the JVM verifies it. */
  private Class<?> weave(
      String name, byte[] classFile, Predicate<MethodInfo> methods, Class<?> advice)
      throws ClassNotFoundException {
    byte[] woven =
        Weaver.weave(
            classFile,
            TypeInfo.parse(classFile, getClass().getClassLoader()),
            List.of(new Weaver.Applied(methods, AdviceMethods.of(advice))));
    assertThat(woven).isNotNull();
    return ClassFiles.define(name, woven, getClass().getClassLoader());
  }
}
