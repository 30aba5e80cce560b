package io.retrace.agent.weave;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * A class as its class file declares it (name, modifiers, super types, methods), read without its
 * code; what type matchers look at. Its super types are read, when a matcher asks, from the class
 * files its class loader finds, without loading any class.
 */
public final class TypeInfo {
  private final String internalName;
  private final int version;
  private final int access;
  private final String superName;
  private final String[] interfaces;
  private final List<MethodInfo> methods;
  private final ClassLoader loader;

  private TypeInfo(
      String internalName,
      int version,
      int access,
      String superName,
      String[] interfaces,
      List<MethodInfo> methods,
      ClassLoader loader) {
    this.internalName = internalName;
    this.version = version;
    this.access = access;
    this.superName = superName;
    this.interfaces = interfaces;
    this.methods = methods;
    this.loader = loader;
  }

  /** Reads {@code classFile}; its super types are looked up through {@code loader} (null: boot). */
  public static TypeInfo parse(byte[] classFile, ClassLoader loader) {
    Header header = new Header();
    new ClassReader(classFile)
        .accept(header, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
    return new TypeInfo(
        header.name,
        header.version,
        header.access,
        header.superName,
        header.interfaces,
        Collections.unmodifiableList(header.methods),
        loader);
  }

  /** What {@link #parse} keeps of a class file. */
  private static final class Header extends ClassVisitor {
    String name;
    int version;
    int access;
    String superName;
    String[] interfaces;
    final List<MethodInfo> methods = new ArrayList<>();

    Header() {
      super(Weaver.API);
    }

    @Override
    public void visit(
        int version,
        int access,
        String name,
        String signature,
        String superName,
        String[] interfaces) {
      this.name = name;
      this.version = version;
      this.access = access;
      this.superName = superName;
      this.interfaces = interfaces == null ? new String[0] : interfaces;
    }

    @Override
    public MethodVisitor visitMethod(
        int access, String name, String descriptor, String signature, String[] exceptions) {
      methods.add(new MethodInfo(access, name, descriptor));
      return null;
    }
  }

  /** The binary name, {@code java.util.UUID}. */
  public String name() {
    return internalName.replace('/', '.');
  }

  String internalName() {
    return internalName;
  }

  /** Whether its class file version has stack map frames (Java 6 and later). */
  boolean hasFrames() {
    return (version & 0xFFFF) >= Opcodes.V1_6;
  }

  public boolean isInterface() {
    return (access & Opcodes.ACC_INTERFACE) != 0;
  }

  /** The methods it declares (not those it inherits). */
  public List<MethodInfo> methods() {
    return methods;
  }

  public boolean declaresMethod(Predicate<MethodInfo> matcher) {
    for (MethodInfo method : methods) {
      if (matcher.test(method)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether this type is {@code binaryName} or extends or implements it, directly or not. A super
   * type whose class file cannot be found is taken to lead nowhere.
   */
  public boolean hasSuperType(String binaryName) {
    String wanted = binaryName.replace('.', '/');
    if (internalName.equals(wanted)) {
      return true;
    }
    Set<String> seen = new HashSet<>();
    Deque<String> next = new ArrayDeque<>();
    add(next, superName, interfaces);
    while (!next.isEmpty()) {
      String type = next.poll();
      if (type.equals(wanted)) {
        return true;
      }
      if (seen.add(type) && !type.equals("java/lang/Object")) {
        byte[] classFile = classFile(type, loader);
        try {
          if (classFile != null) {
            ClassReader reader = new ClassReader(classFile);
            add(next, reader.getSuperName(), reader.getInterfaces());
          }
        } catch (RuntimeException e) {
          // not a class file ASM can read: a super type that leads nowhere
        }
      }
    }
    return false;
  }

  private static void add(Deque<String> next, String superName, String[] interfaces) {
    if (superName != null) {
      next.add(superName);
    }
    next.addAll(Arrays.asList(interfaces));
  }

  /**
   * The class file of {@code internalName} as {@code loader} (null: the boot loader) finds it among
   * its resources, without loading the class; null if it finds none or cannot read it.
   */
  public static byte[] classFile(String internalName, ClassLoader loader) {
    ClassLoader from = loader == null ? ClassLoader.getPlatformClassLoader() : loader;
    try (InputStream in = from.getResourceAsStream(internalName + ".class")) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
