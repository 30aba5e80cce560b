package io.retrace.agent.weave;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Rewrites a class file so that the methods an advice matches call its enter and exit methods (see
 * {@link Advice}): the agent's own weaver, on ASM alone. Only the advised methods are rewritten;
 * every other method's bytes are copied as they are, and the class keeps its shape (no member is
 * added), so that retransformation can apply it to classes already loaded.
 *
 * <p>In an advised method the enter call comes first; a return goes through the exit call, and with
 * {@code onThrowable} so does a throwable leaving the method (then thrown on). A throwable from the
 * advice itself is dropped where it is caught, so the method carries on as if unadvised.
 */
public final class Weaver {
  static final int API = Opcodes.ASM9;

  /** Advice for the methods a matcher selects. */
  public record Applied(Predicate<MethodInfo> methods, AdviceMethods advice) {}

  private Weaver() {}

  /**
   * The class file with its matched methods advised (the first advice that matches a method is
   * applied to it), or null if no method matched.
   */
  public static byte[] weave(byte[] classFile, TypeInfo type, List<Applied> applied) {
    Map<String, AdviceMethods> advised = new HashMap<>();
    for (MethodInfo method : type.methods()) {
      if (method.isWeavable()) {
        for (Applied a : applied) {
          if (a.methods().test(method)) {
            advised.put(method.name() + method.descriptor(), a.advice());
            break;
          }
        }
      }
    }
    if (advised.isEmpty()) {
      return null;
    }
    ClassReader reader = new ClassReader(classFile);
    Map<String, Integer> maxLocals = maxLocals(reader, advised.keySet());
    // No COMPUTE_* flag: an advised method's frames are the class file's own, widened by the
    // advice's locals, plus those the advice's code needs; its maxima are computed. Computing
    // frames would load classes to find common super types, inside a class loader's define.
    ClassWriter writer = new ClassWriter(reader, 0);
    reader.accept(
        new ClassVisitor(API, writer) {
          @Override
          public MethodVisitor visitMethod(
              int access, String name, String descriptor, String signature, String[] exceptions) {
            MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
            String key = name + descriptor;
            AdviceMethods advice = advised.get(key);
            return advice == null
                ? next
                : new AdvisedMethod(
                    next,
                    advice,
                    type.internalName(),
                    new MethodInfo(access, name, descriptor),
                    maxLocals.get(key),
                    type.hasFrames());
          }
        },
        ClassReader.EXPAND_FRAMES);
    return writer.toByteArray();
  }

  /** The advised methods' max_locals: the advice's locals go after the method's own. */
  private static Map<String, Integer> maxLocals(ClassReader reader, Set<String> methods) {
    Map<String, Integer> found = new HashMap<>();
    reader.accept(
        new ClassVisitor(API) {
          @Override
          public MethodVisitor visitMethod(
              int access, String name, String descriptor, String signature, String[] exceptions) {
            String key = name + descriptor;
            return !methods.contains(key)
                ? null
                : new MethodVisitor(API) {
                  @Override
                  public void visitMaxs(int maxStack, int locals) {
                    found.put(key, locals);
                  }
                };
          }
        },
        ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
    return found;
  }
}
