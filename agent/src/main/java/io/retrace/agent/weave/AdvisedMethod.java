package io.retrace.agent.weave;

import io.retrace.agent.weave.AdviceMethods.Binding;
import io.retrace.agent.weave.AdviceMethods.Call;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.TypePath;

/**
 * One advised method, rewritten as its code passes (class file read with expanded frames):
 *
 * <pre>
 *   enter:  E = Advice.enter(...)            (a throwable from it: E = null)
 *           [arguments replaced from E]  [E != null: goto skip]
 *   body:   ... each return: R = value; Advice.exit(...) (may replace R); return R
 *   skip:   R = default; Advice.exit(...); return R
 *   thrown: T = throwable; R = default; Advice.exit(...); throw T    (with onThrowable)
 * </pre>
 *
 * E, R and T are locals after the method's own ({@code max_locals} of the original). Every frame of
 * the original is widened by E, which lives through the whole body; the frames the advice's own
 * code needs hold the method's parameters, E, and R and T where they are set. A try range of the
 * original covering a return would otherwise catch a throwable from the exit advice: the advice's
 * own handlers come first in the exception table, the original's next, the catch-all for {@code
 * onThrowable} last, over the body without the advice's code.
 */
final class AdvisedMethod extends MethodVisitor {
  private static final String THROWABLE = "java/lang/Throwable";
  private static final String OBJECT = "java/lang/Object";

  /** What the advice's locals hold at a point, for {@link #frame}. */
  private static final int ENTRY = 0;

  private static final int ENTERED = 1;
  private static final int RETURNING = 2;
  private static final int THROWING = 3;

  private final AdviceMethods advice;
  private final String owner;
  private final MethodInfo method;
  private final boolean isStatic;
  private final Type[] arguments;
  private final Type returned;
  private final boolean frames;
  private final Object[] entryLocals;

  /** The enter result's type, or null when there is none (no enter method, or a void one). */
  private final Type enterType;

  private final int enterSlot;
  private final int returnSlot;
  private final int thrownSlot;
  private final int maxLocals;

  private final boolean catchAll;
  private final List<Runnable> originalHandlers = new ArrayList<>();
  private final List<Label[]> ranges = new ArrayList<>();
  private Label rangeStart;
  private Label skip;

  AdvisedMethod(
      MethodVisitor next,
      AdviceMethods advice,
      String owner,
      MethodInfo method,
      int originalMaxLocals,
      boolean frames) {
    super(Weaver.API, next);
    this.advice = advice;
    this.owner = owner;
    this.method = method;
    this.isStatic = method.isStatic();
    this.arguments = method.argumentTypes();
    this.returned = method.returnType();
    this.frames = frames;
    this.enterType =
        advice.enter == null || advice.enter.result == Type.VOID_TYPE ? null : advice.enter.result;
    this.enterSlot = originalMaxLocals;
    this.returnSlot = enterSlot + (enterType == null ? 0 : enterType.getSize());
    this.thrownSlot = returnSlot + returned.getSize();
    this.maxLocals = thrownSlot + 1;
    this.catchAll = advice.exit != null && advice.exit.onThrowable;
    this.entryLocals = entryLocals(originalMaxLocals);
  }

  /** The frame's locals at entry: this, the arguments, then TOP up to the original's max_locals. */
  private Object[] entryLocals(int originalMaxLocals) {
    List<Object> locals = new ArrayList<>();
    int slot = 0;
    if (!isStatic) {
      locals.add(owner);
      slot++;
    }
    for (Type argument : arguments) {
      locals.add(frameType(argument));
      slot += argument.getSize();
    }
    for (; slot < originalMaxLocals; slot++) {
      locals.add(Opcodes.TOP);
    }
    return locals.toArray();
  }

  // ---- the original's code

  @Override
  public void visitCode() {
    super.visitCode();
    if (advice.enter != null) {
      enter();
    }
    if (catchAll) {
      rangeStart = new Label();
      super.visitLabel(rangeStart);
    }
  }

  @Override
  public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
    if (enterType == null) {
      super.visitFrame(type, numLocal, local, numStack, stack);
      return;
    }
    // Expanded (F_NEW): widen by TOP up to the original's max_locals, then E.
    List<Object> widened = new ArrayList<>(Arrays.asList(local).subList(0, numLocal));
    int slots = 0;
    for (Object l : widened) {
      slots += l == Opcodes.LONG || l == Opcodes.DOUBLE ? 2 : 1;
    }
    for (; slots < enterSlot; slots++) {
      widened.add(Opcodes.TOP);
    }
    widened.add(frameType(enterType));
    super.visitFrame(type, widened.size(), widened.toArray(), numStack, stack);
  }

  @Override
  public void visitInsn(int opcode) {
    if (advice.exit == null || opcode < Opcodes.IRETURN || opcode > Opcodes.RETURN) {
      super.visitInsn(opcode);
      return;
    }
    closeRange();
    if (returned != Type.VOID_TYPE) {
      super.visitVarInsn(returned.getOpcode(Opcodes.ISTORE), returnSlot);
    }
    exit(false, this::returnValue);
    openRange();
  }

  @Override
  public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
    originalHandlers.add(() -> super.visitTryCatchBlock(start, end, handler, type));
  }

  /**
   * Dropped: it names the try-catch block visited last, and the original's blocks are moved behind
   * the advice's own. Type annotations on a catch clause are for tools; the JVM does not read them.
   */
  @Override
  public AnnotationVisitor visitTryCatchAnnotation(
      int typeRef, TypePath typePath, String descriptor, boolean visible) {
    return null;
  }

  @Override
  public void visitMaxs(int maxStack, int originalMaxLocals) {
    closeRange();
    if (skip != null) {
      super.visitLabel(skip);
      frame(ENTERED);
      storeDefaultReturn();
      exit(false, this::returnValue);
    }
    Label handler = null;
    if (catchAll) {
      handler = new Label();
      super.visitLabel(handler);
      frame(ENTERED, THROWABLE);
      super.visitVarInsn(Opcodes.ASTORE, thrownSlot);
      storeDefaultReturn();
      exit(
          true,
          () -> {
            super.visitVarInsn(Opcodes.ALOAD, thrownSlot);
            super.visitInsn(Opcodes.ATHROW);
          });
    }
    for (Runnable original : originalHandlers) {
      original.run();
    }
    if (handler != null) {
      for (Label[] range : ranges) {
        if (range[0].getOffset() < range[1].getOffset()) {
          super.visitTryCatchBlock(range[0], range[1], handler, THROWABLE);
        }
      }
    }
    // At a return the advice's code runs above whatever the method left on the stack.
    super.visitMaxs(maxStack + adviceStack(), maxLocals);
  }

  // ---- the advice's code

  private void enter() {
    Call call = advice.enter;
    Label start = new Label();
    Label end = new Label();
    Label failed = new Label();
    Label done = new Label();
    super.visitTryCatchBlock(start, end, failed, THROWABLE);
    super.visitLabel(start);
    invoke(call, false);
    if (enterType != null) {
      super.visitVarInsn(enterType.getOpcode(Opcodes.ISTORE), enterSlot);
      replaceArguments(call.replacesArguments);
    }
    super.visitLabel(end);
    super.visitJumpInsn(Opcodes.GOTO, done);
    // A throwable from the advice: dropped, and E is null (or zero).
    super.visitLabel(failed);
    frame(ENTRY, THROWABLE);
    super.visitInsn(Opcodes.POP);
    if (enterType != null) {
      pushDefault(enterType);
      super.visitVarInsn(enterType.getOpcode(Opcodes.ISTORE), enterSlot);
    }
    super.visitLabel(done);
    frame(ENTERED);
    // The original's code may begin with a frame of its own: not at the same offset as this one.
    super.visitInsn(Opcodes.NOP);
    if (call.skipOnNonNull) {
      skip = new Label();
      super.visitVarInsn(Opcodes.ALOAD, enterSlot);
      super.visitJumpInsn(Opcodes.IFNONNULL, skip);
    }
  }

  /** Element {@code i + 1} of the enter result (an array), if not null, replaces argument i. */
  private void replaceArguments(int[] replaced) {
    if (replaced.length == 0) {
      return;
    }
    Label none = new Label();
    super.visitVarInsn(Opcodes.ALOAD, enterSlot);
    super.visitJumpInsn(Opcodes.IFNULL, none);
    for (int i = 0; i < replaced.length; i++) {
      Type argument = arguments[replaced[i]];
      super.visitVarInsn(Opcodes.ALOAD, enterSlot);
      super.visitTypeInsn(Opcodes.CHECKCAST, "[Ljava/lang/Object;");
      push(i + 1);
      super.visitInsn(Opcodes.AALOAD);
      super.visitTypeInsn(Opcodes.CHECKCAST, argument.getInternalName());
      super.visitVarInsn(Opcodes.ASTORE, argumentSlot(replaced[i]));
    }
    super.visitLabel(none);
    frame(ENTERED);
  }

  /**
   * Calls the exit advice (a result replaces R), then {@code leave}s the method: returns R, or
   * throws T. A throwable from the advice is dropped, and the method leaves all the same. The two
   * ways out do not join: at a return, the stack below may still hold values the method left there
   * (javac never does, other compilers may), and a frame at a join would have to describe them.
   */
  private void exit(boolean threw, Runnable leave) {
    Call call = advice.exit;
    Label start = new Label();
    Label end = new Label();
    Label failed = new Label();
    super.visitTryCatchBlock(start, end, failed, THROWABLE);
    super.visitLabel(start);
    invoke(call, threw);
    if (call.result != Type.VOID_TYPE) {
      if (returned != Type.VOID_TYPE) {
        convert(call.result, returned);
        super.visitVarInsn(returned.getOpcode(Opcodes.ISTORE), returnSlot);
      } else {
        super.visitInsn(call.result.getSize() == 2 ? Opcodes.POP2 : Opcodes.POP);
      }
    }
    super.visitLabel(end);
    leave.run();
    super.visitLabel(failed);
    frame(threw ? THROWING : RETURNING, THROWABLE);
    super.visitInsn(Opcodes.POP);
    leave.run();
  }

  /** Calls {@code call}; {@code threw}: on the way out of a method that threw (T is set). */
  private void invoke(Call call, boolean threw) {
    for (int i = 0; i < call.bindings.length; i++) {
      load(call.bindings[i], call.parameters[i], threw);
    }
    super.visitMethodInsn(Opcodes.INVOKESTATIC, advice.owner, call.name, call.descriptor, false);
  }

  private void load(Binding binding, Type parameter, boolean threw) {
    switch (binding.kind()) {
      case THIS -> {
        if (isStatic) {
          super.visitInsn(Opcodes.ACONST_NULL);
        } else {
          super.visitVarInsn(Opcodes.ALOAD, 0);
        }
      }
      case ARGUMENT -> {
        Type argument = arguments[binding.index()];
        super.visitVarInsn(argument.getOpcode(Opcodes.ILOAD), argumentSlot(binding.index()));
        convert(argument, parameter);
      }
      case ALL_ARGUMENTS -> {
        push(arguments.length);
        super.visitTypeInsn(Opcodes.ANEWARRAY, OBJECT);
        for (int i = 0; i < arguments.length; i++) {
          super.visitInsn(Opcodes.DUP);
          push(i);
          super.visitVarInsn(arguments[i].getOpcode(Opcodes.ILOAD), argumentSlot(i));
          box(arguments[i]);
          super.visitInsn(Opcodes.AASTORE);
        }
      }
      case RETURN -> {
        if (returned == Type.VOID_TYPE) {
          super.visitInsn(Opcodes.ACONST_NULL);
        } else {
          super.visitVarInsn(returned.getOpcode(Opcodes.ILOAD), returnSlot);
          convert(returned, parameter);
        }
      }
      case THROWN -> {
        if (threw) {
          super.visitVarInsn(Opcodes.ALOAD, thrownSlot);
        } else {
          super.visitInsn(Opcodes.ACONST_NULL);
        }
      }
      case ENTER -> {
        super.visitVarInsn(enterType.getOpcode(Opcodes.ILOAD), enterSlot);
        convert(enterType, parameter);
      }
      case SITE ->
          super.visitLdcInsn(
              binding
                  .pattern()
                  .replace("#t", owner.replace('/', '.'))
                  .replace("#m", method.name()));
    }
  }

  private void returnValue() {
    if (returned != Type.VOID_TYPE) {
      super.visitVarInsn(returned.getOpcode(Opcodes.ILOAD), returnSlot);
    }
    super.visitInsn(returned.getOpcode(Opcodes.IRETURN));
  }

  private void storeDefaultReturn() {
    if (returned != Type.VOID_TYPE) {
      pushDefault(returned);
      super.visitVarInsn(returned.getOpcode(Opcodes.ISTORE), returnSlot);
    }
  }

  private void closeRange() {
    if (catchAll && rangeStart != null) {
      Label end = new Label();
      super.visitLabel(end);
      ranges.add(new Label[] {rangeStart, end});
      rangeStart = null;
    }
  }

  private void openRange() {
    if (catchAll) {
      rangeStart = new Label();
      super.visitLabel(rangeStart);
    }
  }

  // ---- helpers

  private int argumentSlot(int index) {
    int slot = isStatic ? 0 : 1;
    for (int i = 0; i < index; i++) {
      slot += arguments[i].getSize();
    }
    return slot;
  }

  /**
   * A frame of the parameters and, by {@code level}, E (1), E and R (2), E, R and T (3); then
   * {@code stack}. The advice's locals follow each other, so no slot between needs describing.
   */
  private void frame(int level, String... stack) {
    if (!frames) {
      return;
    }
    List<Object> locals = new ArrayList<>(Arrays.asList(entryLocals));
    if (level >= ENTERED && enterType != null) {
      locals.add(frameType(enterType));
    }
    if (level >= RETURNING && returned != Type.VOID_TYPE) {
      locals.add(frameType(returned));
    }
    if (level >= THROWING) {
      locals.add(THROWABLE);
    }
    super.visitFrame(Opcodes.F_NEW, locals.size(), locals.toArray(), stack.length, stack);
  }

  /** Generous: the advice's code runs on an empty stack, and each parameter takes two at most. */
  private int adviceStack() {
    int parameters = 0;
    if (advice.enter != null) {
      parameters = advice.enter.parameters.length;
    }
    if (advice.exit != null) {
      parameters = Math.max(parameters, advice.exit.parameters.length);
    }
    return 8 + 2 * parameters;
  }

  private static Object frameType(Type type) {
    return switch (type.getSort()) {
      case Type.BOOLEAN, Type.BYTE, Type.CHAR, Type.SHORT, Type.INT -> Opcodes.INTEGER;
      case Type.FLOAT -> Opcodes.FLOAT;
      case Type.LONG -> Opcodes.LONG;
      case Type.DOUBLE -> Opcodes.DOUBLE;
      default -> type.getInternalName();
    };
  }

  /** From the value on the stack of type {@code from} to the advice's or method's {@code to}. */
  private void convert(Type from, Type to) {
    boolean fromPrimitive = from.getSort() < Type.ARRAY;
    boolean toPrimitive = to.getSort() < Type.ARRAY;
    if (fromPrimitive && !toPrimitive) {
      box(from);
    } else if (!fromPrimitive && toPrimitive) {
      String boxed = boxed(to);
      super.visitTypeInsn(Opcodes.CHECKCAST, boxed);
      super.visitMethodInsn(
          Opcodes.INVOKEVIRTUAL,
          boxed,
          to.getClassName() + "Value",
          Type.getMethodDescriptor(to),
          false);
    } else if (!toPrimitive && !to.equals(from) && !to.getInternalName().equals(OBJECT)) {
      super.visitTypeInsn(Opcodes.CHECKCAST, to.getInternalName());
    }
  }

  private void box(Type type) {
    if (type.getSort() < Type.ARRAY) {
      String boxed = boxed(type);
      super.visitMethodInsn(
          Opcodes.INVOKESTATIC,
          boxed,
          "valueOf",
          Type.getMethodDescriptor(Type.getObjectType(boxed), type),
          false);
    }
  }

  private static String boxed(Type primitive) {
    return switch (primitive.getSort()) {
      case Type.BOOLEAN -> "java/lang/Boolean";
      case Type.BYTE -> "java/lang/Byte";
      case Type.CHAR -> "java/lang/Character";
      case Type.SHORT -> "java/lang/Short";
      case Type.INT -> "java/lang/Integer";
      case Type.FLOAT -> "java/lang/Float";
      case Type.LONG -> "java/lang/Long";
      case Type.DOUBLE -> "java/lang/Double";
      default -> throw new IllegalArgumentException("not a primitive: " + primitive);
    };
  }

  private void pushDefault(Type type) {
    switch (type.getSort()) {
      case Type.LONG -> super.visitInsn(Opcodes.LCONST_0);
      case Type.FLOAT -> super.visitInsn(Opcodes.FCONST_0);
      case Type.DOUBLE -> super.visitInsn(Opcodes.DCONST_0);
      case Type.ARRAY, Type.OBJECT -> super.visitInsn(Opcodes.ACONST_NULL);
      default -> super.visitInsn(Opcodes.ICONST_0);
    }
  }

  private void push(int value) {
    if (value <= 5) {
      super.visitInsn(Opcodes.ICONST_0 + value);
    } else {
      super.visitIntInsn(Opcodes.BIPUSH, value);
    }
  }
}
