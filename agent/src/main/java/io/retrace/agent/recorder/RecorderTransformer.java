package io.retrace.agent.recorder;

import io.retrace.agent.bootstrap.Dispatch;
import io.retrace.agent.weave.AdviceMethods;
import io.retrace.agent.weave.CallRedirect;
import io.retrace.agent.weave.TypeInfo;
import io.retrace.agent.weave.Weaver;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Applies the recorders' advice as classes load, and to the classes already loaded when it is
 * installed. A loaded class costs one name lookup unless its name and class loader make it a
 * candidate; only a candidate's class file is read (its header and method list), and only a match
 * is rewritten by the {@link Weaver} (calls to the advice woven into the methods it declares, so
 * that no class changes shape and retransformation can apply it). The recorders' {@link
 * CallRedirect}s apply to the classes of every loader but the JDK's and the agent's: the constant
 * pool is walked for the called method's name, and only a class that has it is read further.
 */
public final class RecorderTransformer implements ClassFileTransformer {
  private static final Logger log = Logger.getLogger(RecorderTransformer.class.getName());

  /** How long a session-starting class waits for the classes instrumented beside start-up. */
  private static final long SESSION_WAIT_SECONDS = 30;

  /** The agent's own classes, never instrumented. */
  private static final String AGENT_PACKAGE = "io.retrace.agent.";

  private static final String AGENT_INTERNAL_PACKAGE = AGENT_PACKAGE.replace('.', '/');

  private final Map<String, List<Target>> byName = new HashMap<>();
  private final List<Target> patterns = new ArrayList<>();

  /** Calls rewritten in every class outside the JDK's and the agent's loaders. */
  private final List<CallRedirect> redirects = new ArrayList<>();

  /** The names in {@link #byName}, as the JVM hands them to a transformer. */
  private final Set<String> internalNames = new HashSet<>();

  /** The advice classes, each read from its class file once, on first use. */
  private static final Map<Class<?>, AdviceMethods> ADVICE = new ConcurrentHashMap<>();

  private static AdviceMethods advice(Class<?> adviceClass) {
    return ADVICE.computeIfAbsent(adviceClass, AdviceMethods::of);
  }

  /** Whether a class loader sees a target's required class; held as long as the loader lives. */
  private final Map<ClassLoader, Map<String, Boolean>> visible = new WeakHashMap<>();

  /** Open once the already loaded classes that record only in sessions are instrumented. */
  private final CountDownLatch sessionsReady = new CountDownLatch(1);

  /** Set while this thread transforms: classes it loads meanwhile are the agent's, left alone. */
  private final ThreadLocal<boolean[]> busy = ThreadLocal.withInitial(() -> new boolean[1]);

  RecorderTransformer(List<Recorder> recorders) {
    for (Recorder recorder : recorders) {
      redirects.addAll(recorder.redirects());
      for (Target target : recorder.targets()) {
        if (target.names().isEmpty()) {
          patterns.add(target);
        }
        for (String name : target.names()) {
          byName.computeIfAbsent(name, n -> new ArrayList<>()).add(target);
          internalNames.add(name.replace('.', '/'));
        }
      }
    }
  }

  /**
   * Gets the weaver ready on an agent thread, for premain to go on meanwhile: reads the advice
   * classes named in {@code firstAdvice} (and so loads most of ASM), which the application's thread
   * would otherwise do when its first classes are instrumented.
   */
  public static void setUpBeside(List<String> firstAdvice) {
    Thread thread =
        new Thread(
            () -> {
              Dispatch.suppressCurrentThread();
              try {
                for (String adviceClass : firstAdvice) {
                  advice(Class.forName(adviceClass));
                }
              } catch (ClassNotFoundException | RuntimeException | LinkageError e) {
                // Whoever weaves next reads the advice again, and reports what fails.
                log.log(Level.FINE, "Retrace: setting the weaver up failed", e);
              }
            },
            "retrace-instrument");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Instruments classes from now on, then retransforms the already loaded classes that match. With
   * {@code beside}, those whose advice records only inside a session (the JDK's clock, random and
   * executor classes, loaded before any application) are retransformed on an agent thread beside
   * the application's start-up, and a class that starts sessions waits for them when it is
   * instrumented: no session can begin before they are in place.
   */
  public static RecorderTransformer install(
      Instrumentation inst, List<Recorder> recorders, boolean beside) {
    RecorderTransformer transformer = new RecorderTransformer(recorders);
    inst.addTransformer(transformer, true);
    try {
      transformer.instrumentLoaded(inst, beside);
    } catch (RuntimeException | Error e) {
      // The agent reports the failure and records nothing: no class is rewritten from now on,
      // and none waits for the classes that were to be instrumented beside start-up.
      inst.removeTransformer(transformer);
      transformer.sessionsReady.countDown();
      throw e;
    }
    return transformer;
  }

  private void instrumentLoaded(Instrumentation inst, boolean beside) {
    List<Class<?>> now = new ArrayList<>();
    List<Class<?>> later = new ArrayList<>();
    for (Class<?> c : inst.getAllLoadedClasses()) {
      List<Target> candidates = candidates(c.getName(), c.getClassLoader());
      if (!candidates.isEmpty() && inst.isModifiableClass(c) && matchesLoaded(c, candidates)) {
        (beside && candidates.stream().allMatch(Target::onlyInSessions) ? later : now).add(c);
      } else if (redirectsIn(c) && inst.isModifiableClass(c)) {
        // What they record is recorded only in sessions: beside start-up, as the JDK's clock.
        (beside ? later : now).add(c);
      }
    }
    // Released (or its thread started) before the rest, which may hold session-starting classes.
    if (!beside) {
      sessionsReady.countDown();
    } else {
      Thread thread =
          new Thread(
              () -> {
                Dispatch.suppressCurrentThread();
                try {
                  retransform(inst, later);
                } finally {
                  sessionsReady.countDown();
                }
              },
              "retrace-instrument");
      thread.setDaemon(true);
      thread.start();
    }
    retransform(inst, now);
  }

  /**
   * Whether a loaded class makes a call that a redirect rewrites: its class file, read from its
   * loader, is walked as a loading class's is. An agent that starts recording in a running
   * application (a trigger, an attach) finds its classes loaded, and rewrites their calls too.
   */
  private boolean redirectsIn(Class<?> c) {
    String internalName = c.getName().replace('.', '/');
    if (c.isArray() || c.isHidden() || !redirectable(c.getClassLoader(), internalName)) {
      return false;
    }
    byte[] classFile = TypeInfo.classFile(internalName, c.getClassLoader());
    return classFile != null && CallRedirect.mayCall(classFile, redirects);
  }

  /** Whether the redirects apply to a class: any class but the JDK's and the agent's own. */
  private boolean redirectable(ClassLoader loader, String internalName) {
    return !redirects.isEmpty()
        && loader != null
        && loader != ClassLoader.getPlatformClassLoader()
        && loader != RecorderTransformer.class.getClassLoader()
        && !internalName.startsWith(AGENT_INTERNAL_PACKAGE);
  }

  private static boolean matchesLoaded(Class<?> c, List<Target> candidates) {
    if (candidates.stream().anyMatch(Target::matchesByName)) {
      return true;
    }
    try {
      // From the class file, as in transform: describing the loaded class reflectively costs more.
      byte[] classFile = TypeInfo.classFile(c.getName().replace('.', '/'), c.getClassLoader());
      if (classFile == null) {
        return false;
      }
      TypeInfo type = TypeInfo.parse(classFile, c.getClassLoader());
      return candidates.stream().anyMatch(t -> t.matches(type));
    } catch (Throwable t) {
      // Reflection on a class whose dependencies are missing fails: it is left as it is.
      log.log(Level.FINE, "Retrace could not inspect " + c.getName(), t);
      return false;
    }
  }

  private static void retransform(Instrumentation inst, List<Class<?>> classes) {
    if (classes.isEmpty()) {
      return;
    }
    try {
      inst.retransformClasses(classes.toArray(Class<?>[]::new));
    } catch (UnmodifiableClassException | RuntimeException | LinkageError e) {
      // One class the JVM refuses must not cost the others their instrumentation.
      log.log(Level.FINE, "Retrace: retransforming " + classes + " at once failed", e);
      for (Class<?> c : classes) {
        try {
          inst.retransformClasses(c);
        } catch (UnmodifiableClassException | RuntimeException | LinkageError single) {
          log.log(Level.FINE, "Retrace could not instrument " + c.getName(), single);
        }
      }
    }
  }

  /** The targets a class may match, judged by its name and class loader alone. */
  List<Target> candidates(String binaryName, ClassLoader loader) {
    List<Target> named = byName.get(binaryName);
    List<Target> found = named == null ? List.of() : named;
    if (patterns.isEmpty()
        || loader == null
        || loader == ClassLoader.getPlatformClassLoader()
        || binaryName.startsWith(AGENT_PACKAGE)) {
      return found;
    }
    for (Target target : patterns) {
      if (target.isCandidateName(binaryName)
          && (target.visibleClass() == null || sees(loader, target.visibleClass()))) {
        if (found.isEmpty() || found == named) {
          found = new ArrayList<>(found);
        }
        found.add(target);
      }
    }
    return found;
  }

  /**
   * Asks the loader outside the lock: getResource may load classes, whose transformation asks this
   * again on another thread. A loader that fails to answer does not see the class.
   */
  private boolean sees(ClassLoader loader, String className) {
    synchronized (visible) {
      Map<String, Boolean> known = visible.get(loader);
      Boolean seen = known == null ? null : known.get(className);
      if (seen != null) {
        return seen;
      }
    }
    boolean seen;
    try {
      seen = loader.getResource(className.replace('.', '/') + ".class") != null;
    } catch (RuntimeException | LinkageError e) {
      log.log(Level.FINE, "Retrace could not ask " + loader + " for " + className, e);
      seen = false;
    }
    synchronized (visible) {
      visible.computeIfAbsent(loader, l -> new HashMap<>()).putIfAbsent(className, seen);
    }
    return seen;
  }

  @Override
  public byte[] transform(
      Module module,
      ClassLoader loader,
      String internalName,
      Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain,
      byte[] classFile) {
    if (internalName == null) {
      return null; // a hidden class: never a target
    }
    boolean jdk = loader == null || loader == ClassLoader.getPlatformClassLoader();
    boolean redirect =
        redirectable(loader, internalName) && CallRedirect.mayCall(classFile, redirects);
    // Most classes a JVM loads are the JDK's, and no target names them: nothing else to do.
    if ((jdk || patterns.isEmpty()) && !internalNames.contains(internalName) && !redirect) {
      return null;
    }
    String name = internalName.replace('/', '.');
    boolean[] transforming = busy.get();
    if (transforming[0]) {
      return null;
    }
    transforming[0] = true;
    // Whatever the weaving does on a request's thread is the agent's, not the request's.
    boolean entered = Dispatch.enter();
    try {
      List<Target> candidates = candidates(name, loader);
      byte[] woven = candidates.isEmpty() ? null : instrument(name, loader, classFile, candidates);
      if (redirect) {
        byte[] redirected = CallRedirect.apply(woven != null ? woven : classFile, redirects);
        if (redirected != null) {
          log.log(Level.FINE, "Retrace redirected calls in {0}", name);
          woven = redirected;
        }
      }
      return woven;
    } catch (Throwable t) {
      log.log(Level.FINE, "Retrace could not instrument " + name, t);
      return null;
    } finally {
      if (entered) {
        Dispatch.exit();
      }
      transforming[0] = false;
    }
  }

  private byte[] instrument(
      String name, ClassLoader loader, byte[] classFile, List<Target> candidates) {
    TypeInfo type = TypeInfo.parse(classFile, loader);
    List<Weaver.Applied> applied = new ArrayList<>();
    for (Target target : candidates) {
      if (target.matches(type)) {
        if (target.isSessionStart()) {
          awaitSessionTargets(name);
        }
        for (Target.MethodAdvice a : target.advice()) {
          applied.add(new Weaver.Applied(a.methods(), advice(a.advice())));
        }
      }
    }
    byte[] result = applied.isEmpty() ? null : Weaver.weave(classFile, type, applied);
    if (result != null) {
      log.log(Level.FINE, "Retrace instrumented {0}", name);
    }
    return result;
  }

  /** Bounded: instrumentation that never completes must not hold the application back for ever. */
  private void awaitSessionTargets(String name) {
    try {
      if (!sessionsReady.await(SESSION_WAIT_SECONDS, TimeUnit.SECONDS)) {
        // Once is enough: the next session-starting class must not wait as long again.
        sessionsReady.countDown();
        log.warning(
            "Retrace: instrumenting "
                + name
                + " before the JDK's value and executor classes; early sessions may miss values");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
