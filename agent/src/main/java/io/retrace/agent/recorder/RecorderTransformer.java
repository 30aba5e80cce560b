package io.retrace.agent.recorder;

import io.retrace.agent.bootstrap.Dispatch;
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
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.TypeResolutionStrategy;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.RecordComponentVisitor;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.AsmClassReader;
import net.bytebuddy.utility.OpenedClassReader;

/**
 * Applies the recorders' advice as classes load, and to the classes already loaded when it is
 * installed. It takes the place of ByteBuddy's {@code AgentBuilder}, whose generality costs a Java
 * agent most of its start-up: generating its own transformer class, describing every class the
 * application loads, and matching every class loaded before it against every recorder. Here a
 * loaded class costs one name lookup unless its name and class loader make it a candidate; only a
 * candidate is parsed, and only a match is rewritten (advice inlined into the methods it declares,
 * so that no class changes shape and retransformation can apply it).
 */
public final class RecorderTransformer implements ClassFileTransformer {
  private static final Logger log = Logger.getLogger(RecorderTransformer.class.getName());

  /** How long a session-starting class waits for the classes instrumented beside start-up. */
  private static final long SESSION_WAIT_SECONDS = 30;

  /** The agent's own classes, never instrumented. */
  private static final String AGENT_PACKAGE = "io.retrace.agent.";

  private final Map<String, List<Target>> byName = new HashMap<>();
  private final List<Target> patterns = new ArrayList<>();

  /** The names in {@link #byName}, as the JVM hands them to a transformer. */
  private final Set<String> internalNames = new HashSet<>();

  /**
   * ByteBuddy's own set-up (its type pool and descriptions, ~75 ms of CPU cold), done on first use:
   * beside start-up on the {@code retrace-instrument} thread, not in premain.
   */
  private static final class Tools {
    /**
     * The advice classes, described from their class files: ByteBuddy's descriptions of loaded
     * classes go through reflection, whose annotations and {@code JavaDispatcher}s each generate a
     * {@link java.lang.reflect.Proxy} class at start-up (~30 of them, enough to make the JDK's
     * internal ASM hot and have C2 spend ~0.4 s of a core compiling it). Holds the few advice
     * classes and the types their signatures name.
     */
    static final ClassFileLocator ADVICE_LOCATOR =
        ClassFileLocator.ForClassLoader.of(RecorderTransformer.class.getClassLoader());

    static final TypePool ADVICE_POOL = typePool(ADVICE_LOCATOR);

    // Advice only rewrites the bodies of methods a type declares: neither validating the result
    // nor computing each type's full method graph is needed, and those are most of ByteBuddy's
    // cost.
    static final ByteBuddy BYTE_BUDDY =
        new ByteBuddy()
            .with(TypeValidation.DISABLED)
            .with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE);

    /** Advice is parsed once, on first use (~3 ms of CPU per advice class, cold). */
    static final Map<Class<?>, Advice> ADVICE = new ConcurrentHashMap<>();

    static Advice advice(Class<?> adviceClass) {
      return ADVICE.computeIfAbsent(
          adviceClass,
          c ->
              Advice.withCustomMapping()
                  .bind(Site.Mapping.INSTANCE)
                  .to(ADVICE_POOL.describe(c.getName()).resolve(), ADVICE_LOCATOR)
                  .withExceptionHandler(Advice.ExceptionHandler.Default.PRINTING));
    }
  }

  /** Whether a class loader sees a target's required class; held as long as the loader lives. */
  private final Map<ClassLoader, Map<String, Boolean>> visible = new WeakHashMap<>();

  /** Open once the already loaded classes that record only in sessions are instrumented. */
  private final CountDownLatch sessionsReady = new CountDownLatch(1);

  /** Set while this thread transforms: classes it loads meanwhile are the agent's, left alone. */
  private final ThreadLocal<boolean[]> busy = ThreadLocal.withInitial(() -> new boolean[1]);

  RecorderTransformer(List<Recorder> recorders) {
    for (Recorder recorder : recorders) {
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
   * Sets ByteBuddy up on an agent thread, for premain to go on meanwhile: loads its classes ahead
   * ({@link EarlyClasses}); the recorders' matchers, which premain builds next, need part of it
   * (~40 ms of CPU cold), and the rest is needed as soon as classes are instrumented. Then parses
   * the advice classes named in {@code firstAdvice}, which the application's thread would otherwise
   * parse when its first classes are instrumented.
   */
  public static void setUpBeside(List<String> firstAdvice) {
    Thread thread =
        new Thread(
            () -> {
              Dispatch.suppressCurrentThread();
              try {
                int early = EarlyClasses.load();
                log.log(Level.FINE, "Retrace: {0} of ByteBuddy''s classes loaded ahead", early);
                Class.forName(Tools.class.getName(), true, Tools.class.getClassLoader());
                for (String adviceClass : firstAdvice) {
                  Tools.advice(Class.forName(adviceClass, false, Tools.class.getClassLoader()));
                }
              } catch (ClassNotFoundException | RuntimeException | LinkageError e) {
                // Whoever uses ByteBuddy next sets it up, and reports what fails.
                log.log(Level.FINE, "Retrace: setting ByteBuddy up failed", e);
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

  private static boolean matchesLoaded(Class<?> c, List<Target> candidates) {
    if (candidates.stream().anyMatch(Target::matchesByName)) {
      return true;
    }
    try {
      // From the class file, as in transform: describing the loaded class reflectively costs more.
      TypeDescription type =
          typePool(locator(c.getName(), c.getClassLoader(), null)).describe(c.getName()).resolve();
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
    // Most classes a JVM loads are the JDK's, and no target names them: nothing else to do.
    if ((loader == null || loader == ClassLoader.getPlatformClassLoader() || patterns.isEmpty())
        && !internalNames.contains(internalName)) {
      return null;
    }
    String name = internalName.replace('/', '.');
    boolean[] transforming = busy.get();
    if (transforming[0]) {
      return null;
    }
    transforming[0] = true;
    // ByteBuddy draws random names while it works, often on a request's thread: not the request's.
    boolean entered = Dispatch.enter();
    try {
      List<Target> candidates = candidates(name, loader);
      return candidates.isEmpty() ? null : instrument(name, loader, classFile, candidates);
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
    ClassFileLocator locator = locator(name, loader, classFile);
    TypePool pool = typePool(locator);
    TypeDescription type = pool.describe(name).resolve();
    DynamicType.Builder<?> builder = null;
    for (Target target : candidates) {
      if (target.matches(type)) {
        if (target.isSessionStart()) {
          awaitSessionTargets(name);
        }
        if (builder == null) {
          builder = Tools.BYTE_BUDDY.decorate(type, locator);
        }
        for (Target.MethodAdvice a : target.advice()) {
          builder = builder.visit(Tools.advice(a.advice()).on(a.methods()));
        }
      }
    }
    if (builder == null) {
      return null;
    }
    byte[] result = builder.make(TypeResolutionStrategy.Disabled.INSTANCE, pool).getBytes();
    log.log(Level.FINE, "Retrace instrumented {0}", name);
    return result;
  }

  private static ClassFileLocator locator(String name, ClassLoader loader, byte[] classFile) {
    ClassFileLocator ofLoader = ClassFileLocator.ForClassLoader.of(loader);
    return classFile == null
        ? ofLoader
        : new ClassFileLocator.Compound(ClassFileLocator.Simple.of(name, classFile), ofLoader);
  }

  /**
   * A cache per class, as AgentBuilder had: a cache kept per class loader would hold, through its
   * descriptions' pool and locator, the loader itself and every class file it parsed.
   */
  private static TypePool typePool(ClassFileLocator locator) {
    return new ErasedTypePool(locator);
  }

  /**
   * A type pool whose descriptions leave out generic signatures: matching and advice work on
   * erasures, and the rewritten class keeps the signatures of its class file, which the writer
   * copies. ByteBuddy parses every signature of a class it describes, whether asked for or not: at
   * start-up ~2 900 calls of ASM's signature reader, enough for C2 to compile it (~90 ms of a
   * core).
   */
  static final class ErasedTypePool extends TypePool.Default.WithLazyResolution {
    ErasedTypePool(ClassFileLocator locator) {
      super(new CacheProvider.Simple(), locator, ReaderMode.FAST);
    }

    @Override
    protected TypeDescription doParse(AsmClassReader reader) {
      Extractor extractor = new Extractor();
      // ReaderMode.FAST's flags: method bodies are not read.
      reader.accept(new WithoutSignatures(extractor), ClassReader.SKIP_CODE);
      return extractor.described();
    }

    /** ByteBuddy's own extractor; its result is protected. */
    private final class Extractor extends TypeExtractor {
      TypeDescription described() {
        return toTypeDescription();
      }
    }
  }

  /** Hands a class file on without its generic signatures. */
  private static final class WithoutSignatures extends ClassVisitor {
    WithoutSignatures(ClassVisitor next) {
      super(OpenedClassReader.ASM_API, next);
    }

    @Override
    public void visit(
        int version,
        int access,
        String name,
        String signature,
        String superName,
        String[] interfaces) {
      super.visit(version, access, name, null, superName, interfaces);
    }

    @Override
    public FieldVisitor visitField(
        int access, String name, String descriptor, String signature, Object value) {
      return super.visitField(access, name, descriptor, null, value);
    }

    @Override
    public MethodVisitor visitMethod(
        int access, String name, String descriptor, String signature, String[] exceptions) {
      return super.visitMethod(access, name, descriptor, null, exceptions);
    }

    @Override
    public RecordComponentVisitor visitRecordComponent(
        String name, String descriptor, String signature) {
      return super.visitRecordComponent(name, descriptor, null);
    }
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
