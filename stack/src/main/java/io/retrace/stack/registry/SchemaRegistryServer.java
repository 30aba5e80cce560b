package io.retrace.stack.registry;

import com.sun.net.httpserver.HttpServer;
import io.retrace.schemas.topic.Topics;
import io.retrace.stack.PortInUseException;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retrace's own schema registry: the Confluent Schema Registry REST API (the Avro subset Retrace
 * and its clients use) over HTTP, with its state kept in the compacted {@code _retrace_schemas}
 * topic so that ids and versions survive restarts. Confluent, Karapace and Apicurio clients point
 * their {@code schema.registry.url} at {@link #url()}.
 */
public final class SchemaRegistryServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SchemaRegistryServer.class);

  // Requests are short and writes are serialized anyway; a few threads keep reads concurrent.
  private static final int THREADS = 4;
  private static final int QUEUE = 256;
  private static final int DRAIN_SECONDS = 5;

  private final HttpServer http;
  private final RegistryHttpHandler handler;
  private final ExecutorService executor;
  private final SchemaRegistry registry;
  private final int port;
  private final String url;

  private SchemaRegistryServer(
      HttpServer http,
      RegistryHttpHandler handler,
      ExecutorService executor,
      SchemaRegistry registry,
      String host) {
    this.http = http;
    this.handler = handler;
    this.executor = executor;
    this.registry = registry;
    this.port = http.getAddress().getPort();
    this.url = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /**
   * Starts a registry whose topic, if it has to be created, gets one replica, as on the embedded
   * single broker.
   *
   * @param port the HTTP port; 0 picks a free one
   * @throws PortInUseException when {@code port} is taken
   */
  public static SchemaRegistryServer start(String bootstrapServers, String host, int port) {
    return start(bootstrapServers, host, port, (short) 1);
  }

  /**
   * Binds the port, creates {@code _retrace_schemas} if it is missing (one partition, compacted),
   * reads it to its end to rebuild the state, and only then starts answering requests.
   *
   * @param port the HTTP port; 0 picks a free one
   * @param replicationFactor replicas of the storage topic when this call creates it
   * @throws PortInUseException when {@code port} is taken
   */
  public static SchemaRegistryServer start(
      String bootstrapServers, String host, int port, short replicationFactor) {
    long started = System.nanoTime();
    HttpServer http = bind(host, port);
    SchemaLog storage = null;
    try {
      storage = SchemaLog.open(bootstrapServers, Topics.SCHEMAS, replicationFactor);
      SchemaRegistry registry = SchemaRegistry.load(storage);
      ThreadPoolExecutor executor =
          new ThreadPoolExecutor(
              THREADS,
              THREADS,
              60,
              TimeUnit.SECONDS,
              new ArrayBlockingQueue<>(QUEUE),
              threads(),
              // A full queue slows the accepting thread down instead of dropping requests.
              new ThreadPoolExecutor.CallerRunsPolicy());
      RegistryHttpHandler handler = new RegistryHttpHandler(registry);
      http.setExecutor(executor);
      http.createContext("/", handler);
      http.start();
      SchemaRegistryServer server =
          new SchemaRegistryServer(http, handler, executor, registry, host);
      log.info(
          "Schema registry up on {} ({} subjects, stored in {}, {} ms)",
          server.url(),
          registry.store().subjects().size(),
          Topics.SCHEMAS.name(),
          (System.nanoTime() - started) / 1_000_000);
      return server;
    } catch (RuntimeException e) {
      http.stop(0);
      if (storage != null) {
        storage.close();
      }
      throw new IllegalStateException(
          "Cannot start the schema registry on " + bootstrapServers + ": " + e.getMessage(), e);
    }
  }

  private static HttpServer bind(String host, int port) {
    try {
      return HttpServer.create(new InetSocketAddress(InetAddress.getByName(host), port), 0);
    } catch (BindException e) {
      throw new PortInUseException("Schema registry", host, port, e);
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot listen for schema registry requests on " + host + ":" + port, e);
    }
  }

  private static ThreadFactory threads() {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, "schema-registry-http-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** The base URL clients use, e.g. {@code http://127.0.0.1:8081}. */
  public String url() {
    return url;
  }

  /** The HTTP port it listens on; the chosen one when started with port 0. */
  public int port() {
    return port;
  }

  /**
   * Stops accepting requests, lets the ones being served finish (a few seconds at most), and closes
   * the connection to Kafka. Every change a client was answered for is already in the topic.
   */
  @Override
  public void close() {
    // HttpServer.stop waits its whole delay when nothing is in flight, so only wait when needed.
    http.stop(handler.inFlight() > 0 ? DRAIN_SECONDS : 0);
    executor.shutdown();
    try {
      if (!executor.awaitTermination(DRAIN_SECONDS, TimeUnit.SECONDS)) {
        log.warn(
            "Schema registry requests still running after {} s; stopping anyway", DRAIN_SECONDS);
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      executor.shutdownNow();
    }
    registry.close();
    log.info("Schema registry on {} stopped", url);
  }
}
