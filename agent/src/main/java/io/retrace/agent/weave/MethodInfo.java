package io.retrace.agent.weave;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/** A method a class declares, as its class file names it: what method matchers look at. */
public record MethodInfo(int access, String name, String descriptor) {
  public boolean isStatic() {
    return (access & Opcodes.ACC_STATIC) != 0;
  }

  public boolean isPublic() {
    return (access & Opcodes.ACC_PUBLIC) != 0;
  }

  public boolean isAbstract() {
    return (access & Opcodes.ACC_ABSTRACT) != 0;
  }

  public Type[] argumentTypes() {
    return Type.getArgumentTypes(descriptor);
  }

  public Type returnType() {
    return Type.getReturnType(descriptor);
  }

  /**
   * Has a body of its own the weaver can advise: not abstract or native, not a constructor or
   * initialiser, and not a bridge (it calls the method it bridges to, which is advised).
   */
  boolean isWeavable() {
    return (access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE | Opcodes.ACC_BRIDGE)) == 0
        && !name.startsWith("<");
  }
}
