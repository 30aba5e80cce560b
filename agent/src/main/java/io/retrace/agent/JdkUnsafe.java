package io.retrace.agent;

import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationTargetException;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JDK's internal {@code jdk.internal.misc.Unsafe}, for the two things the agent cannot do
 * through public API: defining classes in the bootstrap class loader, and defining its own classes
 * ahead of use in the loader that loaded it. {@link #open} exports the package to the agent through
 * {@link Instrumentation#redefineModule}; a JDK without it makes {@link #get} fail, and each caller
 * has its fallback. Called through method handles: reflection's accessors cost the ~700 calls at
 * start-up ~10 ms of CPU more. Failures come as {@link InvocationTargetException}, as from
 * reflection.
 */
public final class JdkUnsafe {
  private static volatile JdkUnsafe instance;

  private final MethodHandle defineClass;
  private final MethodHandle getReference;
  private final MethodHandle objectFieldOffset;

  /** The offset of {@code ClassLoader.parallelLockMap}, found when first asked; 0 until then. */
  private volatile long parallelLockMap;

  private JdkUnsafe() throws ReflectiveOperationException {
    Class<?> type = Class.forName("jdk.internal.misc.Unsafe");
    MethodHandles.Lookup lookup = MethodHandles.lookup();
    Object unsafe = type.getMethod("getUnsafe").invoke(null);
    defineClass =
        lookup
            .findVirtual(
                type,
                "defineClass",
                MethodType.methodType(
                    Class.class,
                    String.class,
                    byte[].class,
                    int.class,
                    int.class,
                    ClassLoader.class,
                    ProtectionDomain.class))
            .bindTo(unsafe);
    getReference =
        lookup
            .findVirtual(
                type, "getReference", MethodType.methodType(Object.class, Object.class, long.class))
            .bindTo(unsafe);
    objectFieldOffset =
        lookup
            .findVirtual(
                type,
                "objectFieldOffset",
                MethodType.methodType(long.class, Class.class, String.class))
            .bindTo(unsafe);
  }

  /** Exports {@code jdk.internal.misc} to the agent's module; premain calls it once. */
  static JdkUnsafe open(Instrumentation inst) throws ReflectiveOperationException {
    inst.redefineModule(
        Object.class.getModule(),
        Set.of(),
        Map.of("jdk.internal.misc", Set.of(JdkUnsafe.class.getModule())),
        Map.of(),
        Set.of(),
        Map.of());
    JdkUnsafe opened = new JdkUnsafe();
    instance = opened;
    return opened;
  }

  /** The instance premain opened; fails where it could not. */
  public static JdkUnsafe get() {
    JdkUnsafe opened = instance;
    if (opened == null) {
      throw new IllegalStateException("jdk.internal.misc.Unsafe is not open to the agent");
    }
    return opened;
  }

  /** Defines a class in {@code loader} ({@code null}: the bootstrap class loader). */
  public Class<?> defineClass(
      String name, byte[] bytes, ClassLoader loader, ProtectionDomain domain)
      throws InvocationTargetException {
    try {
      return (Class<?>) defineClass.invokeExact(name, bytes, 0, bytes.length, loader, domain);
    } catch (Throwable t) {
      throw new InvocationTargetException(t);
    }
  }

  /**
   * The lock {@code loader} holds while it finds and defines {@code className}: what its protected
   * {@code getClassLoadingLock} answers (the loader itself unless it is parallel capable).
   */
  @SuppressWarnings("unchecked")
  public Object classLoadingLock(ClassLoader loader, String className)
      throws InvocationTargetException {
    ConcurrentHashMap<String, Object> locks;
    try {
      long offset = parallelLockMap;
      if (offset == 0) {
        offset = (long) objectFieldOffset.invokeExact(ClassLoader.class, "parallelLockMap");
        parallelLockMap = offset;
      }
      locks =
          (ConcurrentHashMap<String, Object>)
              (Object) getReference.invokeExact((Object) loader, offset);
    } catch (Throwable t) {
      throw new InvocationTargetException(t);
    }
    if (locks == null) {
      return loader;
    }
    Object lock = new Object();
    Object existing = locks.putIfAbsent(className, lock);
    return existing == null ? lock : existing;
  }
}
