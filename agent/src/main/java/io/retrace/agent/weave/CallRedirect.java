package io.retrace.agent.weave;

import java.nio.charset.StandardCharsets;
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
 * @param name the called method's name
 * @param descriptor the called method's descriptor
 * @param target the class, internal name, whose static method of the same name and descriptor is
 *     called instead; it must be visible to every class rewritten (the agent's bootstrap classes)
 */
public record CallRedirect(String owner, String name, String descriptor, String target) {
  /**
   * Whether {@code classFile} may call one of {@code redirects}: a byte search for their names,
   * which every class file that calls a method holds in its constant pool. False is certain; true
   * is checked by {@link #apply}.
   */
  public static boolean mayCall(byte[] classFile, List<CallRedirect> redirects) {
    for (CallRedirect r : redirects) {
      if (contains(classFile, r.nameBytes())) {
        return true;
      }
    }
    return false;
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

  private byte[] nameBytes() {
    return name.getBytes(StandardCharsets.UTF_8);
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

  private static boolean contains(byte[] haystack, byte[] needle) {
    byte first = needle[0];
    outer:
    for (int i = 0, last = haystack.length - needle.length; i <= last; i++) {
      if (haystack[i] != first) {
        continue;
      }
      for (int j = 1; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
