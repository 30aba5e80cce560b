package io.retrace.agent.weave;

import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
    Pool pool = Pool.read(classFile);
    if (pool == null) {
      return false;
    }
    for (int index = 1; index < pool.offsets.length; index++) {
      for (CallRedirect r : redirects) {
        if (pool.isUtf8(index, r.name)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * {@code classFile} with every call to one of {@code redirects} rewritten, or null if none. Only
   * the methods whose code holds such a call are rewritten; the others are copied byte for byte, as
   * they are found from the class file's own structure (a large class that calls the clock in one
   * method costs a few dozen microseconds, not the milliseconds of writing all of it anew). A
   * method handle to a redirected method (a method reference) has every method rewritten.
   */
  public static byte[] apply(byte[] classFile, List<CallRedirect> redirects) {
    Pool pool = Pool.read(classFile);
    if (pool == null) {
      return null;
    }
    BitSet methods;
    try {
      Set<Integer> calls = pool.methodRefs(redirects);
      if (calls.isEmpty()) {
        return null;
      }
      methods = pool.handlesTo(calls) ? null : pool.methodsCalling(calls);
    } catch (ArrayIndexOutOfBoundsException truncated) {
      return null; // not a class file the JVM would load: left for it to reject
    }
    if (methods != null && methods.isEmpty()) {
      return null;
    }
    ClassReader reader = new ClassReader(classFile);
    // Sharing the reader's constant pool: a method given the writer's own visitor is copied as is.
    ClassWriter writer = new ClassWriter(reader, 0);
    boolean[] changed = new boolean[1];
    reader.accept(
        new ClassVisitor(Opcodes.ASM9, writer) {
          private int method;

          @Override
          public MethodVisitor visitMethod(
              int access, String name, String descriptor, String signature, String[] exceptions) {
            MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
            return methods == null || methods.get(method++)
                ? new Rewriter(next, redirects, changed)
                : next;
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

  /** A class file's constant pool, as offsets of its entries, and where the pool ends. */
  private static final class Pool {
    private static final int UTF8 = 1;
    private static final int METHODREF = 10;
    private static final int METHOD_HANDLE = 15;
    private static final int INVOKESTATIC = 0xb8;

    final byte[] b;
    final int[] offsets; // of each entry's tag; 0 for the second slot of a Long or Double
    final int end;

    private Pool(byte[] b, int[] offsets, int end) {
      this.b = b;
      this.offsets = offsets;
      this.end = end;
    }

    /** The pool, or null for a class file this walk cannot read (then left as it is). */
    static Pool read(byte[] b) {
      try {
        int[] offsets = new int[u2(b, 8)];
        int i = 10;
        for (int entry = 1; entry < offsets.length; entry++) {
          offsets[entry] = i;
          switch (b[i]) {
            case UTF8 -> i += 3 + u2(b, i + 1);
            case 3, 4 -> i += 5; // Integer, Float
            case 5, 6 -> { // Long, Double: two entries
              i += 9;
              entry++;
            }
            case 7, 8, 16, 19, 20 -> i += 3; // Class, String, MethodType, Module, Package
            case 9, METHODREF, 11, 12, 17, 18 -> i += 5; // refs, NameAndType, (Invoke)Dynamic
            case METHOD_HANDLE -> i += 4;
            default -> {
              return null;
            }
          }
        }
        return new Pool(b, offsets, i);
      } catch (ArrayIndexOutOfBoundsException truncated) {
        return null;
      }
    }

    /** Whether entry {@code index} is the Utf8 {@code ascii}. */
    boolean isUtf8(int index, String ascii) {
      int at = offsets[index];
      if (at == 0 || b[at] != UTF8 || u2(b, at + 1) != ascii.length()) {
        return false;
      }
      for (int k = 0; k < ascii.length(); k++) {
        if (b[at + 3 + k] != ascii.charAt(k)) {
          return false;
        }
      }
      return true;
    }

    /** The u2 at {@code offset} in entry {@code index} (after its tag at 0). */
    private int field(int index, int offset) {
      return u2(b, offsets[index] + offset);
    }

    /** The Methodref entries (not interface methods) naming one of {@code redirects}. */
    Set<Integer> methodRefs(List<CallRedirect> redirects) {
      Set<Integer> refs = new HashSet<>();
      for (int index = 1; index < offsets.length; index++) {
        if (offsets[index] == 0 || b[offsets[index]] != METHODREF) {
          continue;
        }
        int className = field(field(index, 1), 1);
        int nameAndType = field(index, 3);
        int name = field(nameAndType, 1);
        int descriptor = field(nameAndType, 3);
        for (CallRedirect r : redirects) {
          if (isUtf8(name, r.name)
              && isUtf8(descriptor, r.descriptor)
              && isUtf8(className, r.owner)) {
            refs.add(index);
          }
        }
      }
      return refs;
    }

    /** Whether a method handle refers to one of {@code refs}. */
    boolean handlesTo(Set<Integer> refs) {
      for (int index = 1; index < offsets.length; index++) {
        if (offsets[index] != 0
            && b[offsets[index]] == METHOD_HANDLE
            && refs.contains(u2(b, offsets[index] + 2))) {
          return true;
        }
      }
      return false;
    }

    /**
     * The methods, by their order in the class file, whose code holds {@code invokestatic} of one
     * of {@code refs}. The code is searched as bytes, so an operand that looks like the call counts
     * too: such a method is parsed and found to hold no call, and left as it was.
     */
    BitSet methodsCalling(Set<Integer> refs) {
      int i = end + 6; // access, this, super
      i += 2 + 2 * u2(b, i); // interfaces
      i = skipMembers(i); // fields
      BitSet calling = new BitSet();
      int methods = u2(b, i);
      i += 2;
      for (int m = 0; m < methods; m++) {
        int attributes = u2(b, i + 6);
        i += 8;
        for (int a = 0; a < attributes; a++) {
          int length = (int) u4(b, i + 2);
          if (isUtf8(u2(b, i), "Code")) {
            int codeStart = i + 6 + 8;
            int codeEnd = codeStart + (int) u4(b, i + 6 + 4);
            for (int k = codeStart; k + 2 < codeEnd; k++) {
              if ((b[k] & 0xff) == INVOKESTATIC && refs.contains(u2(b, k + 1))) {
                calling.set(m);
                break;
              }
            }
          }
          i += 6 + length;
        }
      }
      return calling;
    }

    private int skipMembers(int i) {
      int count = u2(b, i);
      i += 2;
      for (int m = 0; m < count; m++) {
        int attributes = u2(b, i + 6);
        i += 8;
        for (int a = 0; a < attributes; a++) {
          i += 6 + (int) u4(b, i + 2);
        }
      }
      return i;
    }
  }

  private static int u2(byte[] b, int i) {
    return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
  }

  private static long u4(byte[] b, int i) {
    return ((long) u2(b, i) << 16) | u2(b, i + 2);
  }
}
