package io.retrace.agent;

import io.retrace.agent.bootstrap.Dispatch;
import io.retrace.agent.bootstrap.Hooks;
import io.retrace.agent.capture.AgentHooks;
import io.retrace.agent.capture.CallRecorder;
import io.retrace.agent.capture.HttpClientAdapter;
import io.retrace.agent.capture.HttpServerAdapter;
import io.retrace.agent.capture.JdbcAdapter;
import io.retrace.agent.capture.MethodAdapter;
import io.retrace.agent.capture.ServletAdapter;
import io.retrace.agent.capture.SessionIds;
import io.retrace.agent.capture.UrlConnectionAdapter;
import io.retrace.agent.publish.AgentMetrics;
import io.retrace.agent.publish.EventBuffer;
import io.retrace.agent.publish.EventSink;
import io.retrace.agent.publish.FileSink;
import io.retrace.agent.publish.KafkaSink;
import io.retrace.agent.publish.Publisher;
import io.retrace.agent.publish.Spool;
import io.retrace.agent.recorder.ExecutorRecorder;
import io.retrace.agent.recorder.HttpClientRecorder;
import io.retrace.agent.recorder.HttpServerRecorder;
import io.retrace.agent.recorder.JdbcRecorder;
import io.retrace.agent.recorder.MethodRecorder;
import io.retrace.agent.recorder.Recorder;
import io.retrace.agent.recorder.RecorderTransformer;
import io.retrace.agent.recorder.ServletRecorder;
import io.retrace.agent.recorder.UrlConnectionRecorder;
import io.retrace.agent.recorder.ValueRecorder;
import io.retrace.agent.trigger.AdminEndpoint;
import io.retrace.agent.trigger.AfterStartup;
import io.retrace.agent.trigger.ControlFollower;
import io.retrace.agent.trigger.RecordingControl;
import io.retrace.schemas.control.CommandSigner;
import io.retrace.schemas.event.Origin;
import java.lang.instrument.Instrumentation;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.management.ObjectName;

/**
 * Wires the running agent: buffer, publisher and sink, the adapters behind {@link Hooks}, the
 * recorders, and the triggers that start recording. An agent waiting for a trigger does in premain
 * only what is cheap (options, bootstrap classes, the admin endpoint); instrumenting and publishing
 * wait for the first trigger, the break-glass follower for the end of the application's start-up.
 */
public final class AgentRuntime {
  private static final Logger log = Logger.getLogger(AgentRuntime.class.getName());

  /** The recorders every agent installs, plus a {@link MethodRecorder} for capture.methods. */
  static List<Recorder> recorders(AgentConfig config) {
    return List.of(
        new ValueRecorder(),
        new HttpServerRecorder(),
        new ServletRecorder(),
        new HttpClientRecorder(),
        new UrlConnectionRecorder(),
        new JdbcRecorder(),
        new ExecutorRecorder(),
        new MethodRecorder(config.captureMethods()));
  }

  /**
   * The advice a service of the usual shape (a thread pool, JDBC, an HTTP client, inbound HTTP)
   * needs as its first classes load, in the order a service usually loads them (pools and a
   * connection are made first, the server starts last): parsed beside premain when recording from
   * start-up, so that the application's thread finds it ready. Named, not loaded, here.
   */
  static final List<String> FIRST_ADVICE =
      List.of(
          "io.retrace.agent.bootstrap.ExecutorAdvice$Execute",
          "io.retrace.agent.bootstrap.JdbcAdvice$Prepare",
          "io.retrace.agent.bootstrap.JdbcAdvice$Execute",
          "io.retrace.agent.bootstrap.JdbcAdvice$Parameter",
          "io.retrace.agent.bootstrap.HttpClientAdvice$Send",
          "io.retrace.agent.bootstrap.HttpClientAdvice$Response",
          "io.retrace.agent.bootstrap.HttpServerAdvice$Container",
          "io.retrace.agent.bootstrap.HttpServerAdvice$Handle");

  /**
   * Kafka's client logs INFO at length (every config value); in the host's log only its warnings
   * belong. Held here because java.util.logging keeps loggers only weakly.
   */
  private static final Logger KAFKA_LOG = Logger.getLogger("io.retrace.agent.shaded.kafka");

  private AgentRuntime() {}

  public static void start(AgentConfig config, Instrumentation inst) {
    long started = System.nanoTime();
    if (!config.recording().isEmpty()) {
      RecorderTransformer.setUpBeside(FIRST_ADVICE);
    }
    Thread main = Thread.currentThread();
    KAFKA_LOG.setLevel(Level.WARNING);
    // Not UUID.randomUUID(): seeding SecureRandom can stall start-up; uniqueness is all it needs.
    // Loads ThreadLocalRandom, Random and UUID before the transformer: retransformed with the
    // classes already loaded, they cannot be first loaded (and so left alone) while the transformer
    // rewrites a class.
    java.util.concurrent.ThreadLocalRandom random =
        java.util.concurrent.ThreadLocalRandom.current();
    String agentId = new UUID(random.nextLong(), random.nextLong()).toString();
    EventBuffer buffer = new EventBuffer(config.bufferEvents());
    AgentMetrics metrics = new AgentMetrics(buffer);
    SessionIds sessions = new SessionIds(config.correlationHeader(), config.sampleRate(), agentId);
    CallRecorder recorder =
        new CallRecorder(agentId, buffer, sessions, () -> origin(config, agentId));
    Readiness readiness = new Readiness(config, inst, buffer, metrics, sessions, recorder);
    RecordingControl control =
        new RecordingControl(recorder, sessions, config.maxWindow(), readiness::awaitReady);
    List<AutoCloseable> triggers = new CopyOnWriteArrayList<>();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> stop(control, readiness, metrics, triggers), "retrace-shutdown"));
    AfterStartup afterStartup =
        new AfterStartup(
            main,
            () -> inst.getAllLoadedClasses().length,
            () -> buffer.size() + recorder.pendingCount() > buffer.capacity() / 4);
    String state;
    if (!config.recording().isEmpty()) {
      // Recording from start-up: the first request must find every recorder in place. What is
      // captured meanwhile waits, not yet Avro, in the recorder; the publisher (Avro, Jackson, the
      // sink) starts once the application has, or as soon as a quarter of the buffer's capacity
      // is waiting, and writes it first.
      RecordingControl.Status recording = control.startAtLaunch(config.recording());
      long instrumenting = System.nanoTime();
      try {
        readiness.instrument(true);
      } catch (RuntimeException e) {
        control.stop("instrumenting failed");
        throw e;
      }
      // After start-up: Avro (the events captured meanwhile are written first), then the
      // publisher. The log lines come last: the first one sets up java.util.logging, tens of
      // milliseconds.
      afterStartup.then(recorder::flushPending);
      afterStartup.then(readiness::startPublisher);
      String recordingLine = RecordingControl.describe(recording);
      afterStartup.then(() -> log.info(recordingLine));
      state =
          "recording "
              + config.recording()
              + ", instrumenting "
              + (System.nanoTime() - instrumenting) / 1_000_000
              + " ms";
    } else {
      // Nothing is recorded before a trigger fires: instrumentation and the publisher wait for
      // the first one, which gets its answer once the recording has begun.
      state = "waiting for a trigger; instruments when one fires";
    }
    startAdminEndpoint(config, control, metrics, triggers);
    if (config.control()) {
      if (config.bootstrap().isEmpty()) {
        log.severe("Retrace: control=true needs bootstrap=host:port; not following commands");
      } else {
        // Kafka's clients cost a few hundred milliseconds of CPU to load: after the application's
        // start. Commands wait in the compacted topic meanwhile, nothing is missed.
        afterStartup.then(() -> triggers.add(startControlFollower(config, agentId, control)));
      }
    }
    String startedLine =
        "Retrace agent "
            + agentId
            + " for service "
            + config.service()
            + " started in "
            + (System.nanoTime() - started) / 1_000_000
            + " ms ("
            + state
            + "; sink: "
            + (config.out() != null ? "file " + config.out() : "kafka " + config.bootstrap())
            + ")";
    if (config.recording().isEmpty()) {
      log.info(startedLine);
    } else {
      afterStartup.then(() -> log.info(startedLine));
    }
    afterStartup.start();
  }

  /**
   * Instruments the application and starts the publisher, each once, when recording first needs
   * them: in premain for a recording from start-up, else when the first trigger fires.
   */
  private static final class Readiness {
    /** How long a trigger waits for the publisher to open its sink. */
    private static final long PUBLISHER_TIMEOUT_SECONDS = 60;

    private final AgentConfig config;
    private final Instrumentation inst;
    private final Supplier<Hooks> hooks;
    private final Publisher publisher;

    /** Open once the publisher's sink is open, or once it failed ({@link #publishFailure}). */
    private final CountDownLatch publishing = new CountDownLatch(1);

    private volatile Throwable publishFailure;
    private boolean instrumented;
    private Throwable instrumentFailure;
    private boolean publisherStarted;

    Readiness(
        AgentConfig config,
        Instrumentation inst,
        EventBuffer buffer,
        AgentMetrics metrics,
        SessionIds sessions,
        CallRecorder recorder) {
      this.config = config;
      this.inst = inst;
      this.hooks =
          () ->
              new AgentHooks(
                  recorder,
                  new HttpServerAdapter(recorder, sessions, config.bodyMaxBytes()),
                  new ServletAdapter(
                      recorder,
                      sessions,
                      config.bodyMaxBytes(),
                      AgentRuntime.class.getClassLoader()),
                  new HttpClientAdapter(recorder, config.bodyMaxBytes()),
                  new UrlConnectionAdapter(recorder, config.bodyMaxBytes()),
                  new JdbcAdapter(recorder, config.jdbcMaxRows()),
                  new MethodAdapter(recorder, config.bodyMaxBytes()));
      // What touches Avro, JMX or the network happens on the publisher thread.
      this.publisher =
          new Publisher(
              buffer,
              () -> failsPublishing(() -> sink(config, metrics)),
              () -> {
                recorder.flushPending();
                registerMBean(metrics);
                synchronized (publishing) {
                  publishing.countDown();
                }
              },
              recorder::gap,
              () -> failsPublishing(() -> redaction(config)),
              metrics);
    }

    /** Calls {@code step}; if it fails, a trigger waiting for the publisher learns why. */
    private <T> T failsPublishing(Callable<T> step) throws Exception {
      try {
        return step.call();
      } catch (Throwable t) {
        // The first outcome stands: a step failing after the sink opened fails no later trigger.
        synchronized (publishing) {
          if (publishing.getCount() > 0) {
            publishFailure = t;
            publishing.countDown();
          }
        }
        throw t;
      }
    }

    /**
     * Installs the recorders, once; {@code besideStartUp} in premain, where the JDK classes whose
     * advice records only in sessions may be instrumented on an agent thread.
     */
    synchronized void instrument(boolean besideStartUp) {
      if (instrumentFailure != null) {
        throw new IllegalStateException(
            "instrumenting the application failed: " + instrumentFailure.getMessage());
      }
      if (instrumented) {
        return;
      }
      try {
        long begin = System.nanoTime();
        Dispatch.hooks = hooks.get();
        install(inst, recorders(config), besideStartUp);
        instrumented = true;
        if (log.isLoggable(Level.FINE)) {
          log.fine(
              "Retrace agent instrumented in " + (System.nanoTime() - begin) / 1_000_000 + " ms");
        }
      } catch (RuntimeException | Error e) {
        instrumentFailure = e;
        throw new IllegalStateException("instrumenting the application failed: " + e, e);
      }
    }

    synchronized boolean instrumented() {
      return instrumented;
    }

    synchronized void startPublisher() {
      if (!publisherStarted) {
        publisherStarted = true;
        publisher.start();
      }
    }

    /** For a trigger: returns once the agent can record whole recordings. */
    void awaitReady() {
      instrument(false);
      startPublisher();
      try {
        if (!publishing.await(PUBLISHER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
          throw new IllegalStateException(
              "the publisher did not start within " + PUBLISHER_TIMEOUT_SECONDS + " s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while the agent got ready to record", e);
      }
      Throwable failure = publishFailure;
      if (failure != null) {
        throw new IllegalStateException("the publisher cannot start: " + failure, failure);
      }
    }

    /** At shutdown: writes what was captured, if anything could have been. */
    void flush() throws Exception {
      if (instrumented()) {
        startPublisher();
        publisher.close(5_000);
      }
    }
  }

  /** At JVM shutdown: triggers closed, recording stopped, captured events flushed. */
  private static void stop(
      RecordingControl control,
      Readiness readiness,
      AgentMetrics metrics,
      List<AutoCloseable> triggers) {
    for (AutoCloseable trigger : triggers) {
      try {
        trigger.close();
      } catch (Exception e) {
        log.log(Level.FINE, "Retrace: closing a trigger failed", e);
      }
    }
    control.stop("shutdown");
    control.close();
    try {
      readiness.flush();
    } catch (Exception e) {
      log.log(Level.WARNING, "Retrace: flushing events at shutdown failed", e);
    }
    // JUL's own shutdown hook may already have closed its handlers; this last line goes straight
    // to stderr so that the counts are never lost.
    System.err.println(
        String.format(
            "Retrace agent stopped: captured %d, sent %d, spooled %d, dropped %d, send errors %d",
            metrics.getCaptured(),
            metrics.getSent(),
            metrics.getSpooled(),
            metrics.getDropped(),
            metrics.getSendErrors()));
  }

  /** The admin endpoint, when configured: a loopback HTTP server, cheap enough for premain. */
  private static void startAdminEndpoint(
      AgentConfig config,
      RecordingControl control,
      AgentMetrics metrics,
      List<AutoCloseable> triggers) {
    if (config.adminPort() < 0) {
      return;
    }
    try {
      AdminEndpoint admin =
          AdminEndpoint.start(config.adminPort(), config.adminToken(), control, metrics);
      triggers.add(admin);
      log.info("Retrace admin endpoint on http://127.0.0.1:" + admin.port());
    } catch (Exception e) {
      log.log(Level.SEVERE, "Retrace admin endpoint not started: " + e.getMessage());
    }
  }

  /** The break-glass follower of {@code retrace.control}. */
  private static ControlFollower startControlFollower(
      AgentConfig config, String agentId, RecordingControl control) {
    CommandSigner signer =
        config.controlKey().isEmpty()
            ? null
            : new CommandSigner(config.controlKey().getBytes(StandardCharsets.UTF_8));
    ControlFollower follower =
        new ControlFollower(
            config.bootstrap(),
            config.registry(),
            control,
            signer,
            config.service(),
            config.host(),
            config.pod(),
            agentId);
    follower.start();
    return follower;
  }

  /**
   * Redaction at the source, on the publisher thread. A policy that cannot be loaded stops the
   * agent from starting rather than letting unredacted events out.
   */
  private static java.util.function.UnaryOperator<io.retrace.schemas.event.RecordedEvent> redaction(
      AgentConfig config) {
    if (!config.redaction()) {
      log.warning("Retrace: redaction at the source is off (redaction=false)");
      return java.util.function.UnaryOperator.identity();
    }
    io.retrace.redaction.RedactionPolicy policy =
        config.redactionPolicy() == null
            ? io.retrace.redaction.RedactionPolicy.defaults()
            : io.retrace.redaction.RedactionPolicy.load(config.redactionPolicy());
    byte[] key;
    if (config.redactionKey().isEmpty()) {
      key = new byte[32];
      new java.security.SecureRandom().nextBytes(key);
      log.info(
          "Retrace: no redaction.key set; hashed values are stable within this agent run only");
    } else {
      key = config.redactionKey().getBytes(StandardCharsets.UTF_8);
    }
    return io.retrace.redaction.Redactor.create(policy, key, "agent")::redact;
  }

  private static Origin origin(AgentConfig config, String agentId) {
    return new Origin(
        config.service(),
        config.version().isEmpty() ? null : config.version(),
        null,
        config.host().isEmpty() ? null : config.host(),
        config.pod().isEmpty() ? null : config.pod(),
        null,
        config.region().isEmpty() ? null : config.region(),
        config.environment().isEmpty() ? null : config.environment(),
        agentId,
        ProcessHandle.current().pid());
  }

  private static void registerMBean(AgentMetrics metrics) {
    try {
      ManagementFactory.getPlatformMBeanServer()
          .registerMBean(metrics, new ObjectName("io.retrace:type=Agent"));
    } catch (Exception e) {
      log.log(Level.WARNING, "Retrace: metrics not available over JMX: " + e.getMessage());
    }
  }

  private static EventSink sink(AgentConfig config, AgentMetrics metrics) throws Exception {
    if (config.out() != null) {
      return new FileSink(config.out(), config.outCodec());
    }
    if (config.bootstrap().isEmpty()) {
      throw new IllegalArgumentException(
          "set bootstrap=host:port, or out=FILE to record to a file");
    }
    Path spoolDir =
        config.spoolDir() != null
            ? config.spoolDir()
            : Path.of(System.getProperty("java.io.tmpdir"), "retrace-spool-" + config.service());
    return new KafkaSink(
        config.bootstrap(),
        config.registry(),
        new Spool(spoolDir, config.spoolMaxBytes()),
        config.topicPartitions(),
        config.deliveryTimeout(),
        metrics);
  }

  private static void install(Instrumentation inst, List<Recorder> recorders, boolean beside) {
    RecorderTransformer.install(inst, recorders, beside);
  }
}
