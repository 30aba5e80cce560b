package io.retrace.agent.weave;

import java.util.List;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Calls to a static method rewritten, in the classes that make them, into calls to another static
 * method of the same descriptor: for a method that advice cannot reach, such as the JDK's native
 * intrinsic {@code System.currentTimeMillis()}. Both the call instruction and a method reference to
 * it ({@code System::currentTimeMillis}, a method handle constant of an {@code invokedynamic} or an
 * {@code ldc}) are rewritten. The replacement takes and returns the same values, so the operand
 * stack, the locals and the frames are unchanged; nothing else in the class is, and no member is
 * added, so an already loaded class can be retransformed with it.
 *
 * @param owner the called method's class, internal name ({@code java/lang/System})
 * @param name the called method's name, ASCII
 * @param descriptor the called method's descriptor
 * @param target the class, internal name, whose static method of the same name and descriptor is
 *     called instead; it must be visible to every class rewritten (the agent's bootstrap classes)
 */
public record CallRedirect(String owner, String name, String descriptor, String target) {
  public CallRedirect {
    if (!name.chars().allMatch(c -> c > 0 && c < 128)) {
      throw new IllegalArgumentException("not an ASCII method name: " + name);
    }
  }

  /**
   * Whether {@code classFile} may call one of {@code redirects}: whether its constant pool holds
   * one of their names, which every class file that calls a method does. False is certain; true is
   * checked by {@link #apply}. Walks the pool's entries, comparing only the strings of the names'
   * lengths: every class the application loads is asked, before anything else reads it.
   */
  public static boolean mayCall(byte[] classFile, List<CallRedirect> redirects) {
    try {
      int count = u2(classFile, 8);
      int i = 10;
      for (int entry = 1; entry < count; entry++) {
        int tag = classFile[i];
        switch (tag) {
          case 1 -> { // Utf8
            int length = u2(classFile, i + 1);
            for (CallRedirect r : redirects) {
              if (r.name.length() == length && holds(classFile, i + 3, r.name)) {
                return true;
              }
            }
            i += 3 + length;
          }
          case 3, 4 -> i += 5; // Integer, Float
          case 5, 6 -> { // Long, Double: two entries
            i += 9;
            entry++;
          }
          case 7, 8, 16, 19, 20 -> i += 3; // Class, String, MethodType, Module, Package
          case 9, 10, 11, 12, 17, 18 -> i += 5; // refs, NameAndType, Dynamic, InvokeDynamic
          case 15 -> i += 4; // MethodHandle
          default -> {
            return false; // not a class file this JVM loads: left as it is
          }
        }
      }
      return false;
    } catch (ArrayIndexOutOfBoundsException truncated) {
      return false;
    }
  }

  /** {@code classFile} with every call to one of {@code redirects} rewritten, or null if none. */
  public static byte[] apply(byte[] classFile, List<CallRedirect> redirects) {
    ClassReader reader = new ClassReader(classFile);
    // Sharing the reader's constant pool: only the methods are written anew.
    ClassWriter writer = new ClassWriter(reader, 0);
    boolean[] changed = new boolean[1];
    reader.accept(
        new ClassVisitor(Opcodes.ASM9, writer) {
          @Override
          public MethodVisitor visitMethod(
              int access, String name, String descriptor, String signature, String[] exceptions) {
            return new Rewriter(
                super.visitMethod(access, name, descriptor, signature, exceptions),
                redirects,
                changed);
          }
        },
        0);
    return changed[0] ? writer.toByteArray() : null;
  }

  private boolean matches(String owner, String name, String descriptor) {
    return this.owner.equals(owner) && this.name.equals(name) && this.descriptor.equals(descriptor);
  }

  private static final class Rewriter extends MethodVisitor {
    private final List<CallRedirect> redirects;
    private final boolean[] changed;

    Rewriter(MethodVisitor next, List<CallRedirect> redirects, boolean[] changed) {
      super(Opcodes.ASM9, next);
      this.redirects = redirects;
      this.changed = changed;
    }

    @Override
    public void visitMethodInsn(
        int opcode, String owner, String name, String descriptor, boolean isInterface) {
      if (opcode == Opcodes.INVOKESTATIC && !isInterface) {
        for (CallRedirect r : redirects) {
          if (r.matches(owner, name, descriptor)) {
            changed[0] = true;
            super.visitMethodInsn(opcode, r.target, name, descriptor, false);
            return;
          }
        }
      }
      super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
    }

    @Override
    public void visitInvokeDynamicInsn(
        String name, String descriptor, Handle bootstrap, Object... arguments) {
      Object[] args = arguments.clone();
      for (int i = 0; i < args.length; i++) {
        args[i] = redirected(args[i]);
      }
      super.visitInvokeDynamicInsn(name, descriptor, bootstrap, args);
    }

    @Override
    public void visitLdcInsn(Object value) {
      super.visitLdcInsn(redirected(value));
    }

    private Object redirected(Object constant) {
      if (constant instanceof Handle h
          && h.getTag() == Opcodes.H_INVOKESTATIC
          && !h.isInterface()) {
        for (CallRedirect r : redirects) {
          if (r.matches(h.getOwner(), h.getName(), h.getDesc())) {
            changed[0] = true;
            return new Handle(Opcodes.H_INVOKESTATIC, r.target, h.getName(), h.getDesc(), false);
          }
        }
      }
      return constant;
    }
  }

  private static int u2(byte[] b, int i) {
    return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
  }

  /** Whether the modified UTF-8 at {@code i} is {@code ascii}, an ASCII name of the same length. */
  private static boolean holds(byte[] b, int i, String ascii) {
    for (int k = 0; k < ascii.length(); k++) {
      if (b[i + k] != ascii.charAt(k)) {
        return false;
      }
    }
    return true;
  }
}
