package io.retrace.bench.agent;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The example order service under load with the agent recording (to a file, redaction on) against
 * the same service with no agent, alternating in one run: start-up time to "listening", requests
 * per second and p99 latency at a fixed concurrency, the service's CPU time per request, and heap
 * in use after a full GC. Each round also starts the service with the agent attached but waiting
 * for a trigger (admin endpoint, no recording), the state of a fleet between captures, and reports
 * its start-up.
 *
 * <p>Run from the repository root: {@code bench/run --main io.retrace.bench.agent.ServiceOverhead
 * [requests] [rounds] [warm-up requests]}; {@code BENCH_JAVA_OPTS=-Dbench.agent.options=k=v,...}
 * adds agent options. The warm-up defaults to a third of the measured requests; on two cores the
 * JIT compilers are still busy long after that, in both arms, so a longer one shows how far the
 * difference is warm-up. {@code -Dbench.rate=R} sends the measured requests at R a second instead
 * (see {@link #RATE}).
 */
public final class ServiceOverhead {
  private static final Pattern READY = Pattern.compile("listening on port (\\d+)");
  private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
  private static final int CLIENTS = 8;

  /**
   * With {@code -Dbench.rate=R}, the measured requests come at R a second (an open loop), not from
   * {@link #CLIENTS} clients as fast as the service answers: a service at a production-like share
   * of its capacity rather than saturated. Warm-up stays the closed loop.
   */
  private static final double RATE = Double.parseDouble(System.getProperty("bench.rate", "0"));

  /** More agent options, e.g. {@code -Dbench.agent.options=redaction=false} to see its share. */
  private static final String EXTRA_AGENT_OPTIONS =
      System.getProperty("bench.agent.options", "").isEmpty()
          ? ""
          : "," + System.getProperty("bench.agent.options");

  private ServiceOverhead() {}

  record Result(
      long startupMillis,
      double requestsPerSecond,
      double p99Millis,
      long heapKb,
      double cpuMillisPer1000,
      double jitMillisPer1000,
      double publisherMillisPer1000) {}

  public static void main(String[] args) throws Exception {
    int requests = args.length > 0 ? Integer.parseInt(args[0]) : 6000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int warmUp = args.length > 2 ? Integer.parseInt(args[2]) : requests / 3;
    Path agent = Path.of("agent/target/retrace-agent.jar").toAbsolutePath();
    if (!Files.exists(agent)) {
      throw new IllegalStateException(agent + " is missing: run from the repository root");
    }
    String classpath = examplesClasspath();
    Path work = Files.createTempDirectory("retrace-bench-service");
    List<Result> without = new ArrayList<>();
    List<Result> with = new ArrayList<>();
    List<Result> waiting = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      String recording =
          "-javaagent:"
              + agent
              + "=service=orders,recording=bench,out="
              + work.resolve("r" + round + ".avro")
              + EXTRA_AGENT_OPTIONS;
      // Each arm goes first in every other round: with other jobs' load rising or falling during
      // a run, a fixed order would hand one arm the quieter half of every round.
      if (round % 2 == 0) {
        without.add(run(classpath, null, requests, warmUp, work));
        with.add(run(classpath, recording, requests, warmUp, work));
      } else {
        with.add(run(classpath, recording, requests, warmUp, work));
        without.add(run(classpath, null, requests, warmUp, work));
      }
      // The fleet's usual state: attached, waiting for a trigger (start-up only, no load).
      waiting.add(
          run(
              classpath,
              "-javaagent:"
                  + agent
                  + "=service=orders,admin.port=0,admin.token=bench,out="
                  + work.resolve("w" + round + ".avro")
                  + EXTRA_AGENT_OPTIONS,
              0,
              0,
              work));
      Result bare = without.get(round);
      Result recorded = with.get(round);
      // A round's own ratios, as it ends: a run takes minutes, and the spread between rounds says
      // how far the medians below can be trusted on a machine shared with other work.
      System.out.printf(
          Locale.ROOT,
          "round %d of %d, agent / none: %.0f / %.0f req/s (%.3f), p99 %.2f / %.2f ms (%.3f),"
              + " CPU %.0f / %.0f ms/1000 req (%.3f); load average %s%n",
          round + 1,
          rounds,
          recorded.requestsPerSecond,
          bare.requestsPerSecond,
          recorded.requestsPerSecond / bare.requestsPerSecond,
          recorded.p99Millis,
          bare.p99Millis,
          recorded.p99Millis / bare.p99Millis,
          recorded.cpuMillisPer1000,
          bare.cpuMillisPer1000,
          recorded.cpuMillisPer1000 / bare.cpuMillisPer1000,
          loadAverage());
    }
    Result a = median(without);
    Result b = median(with);
    long waitingStartup =
        (long) median(waiting.stream().mapToDouble(Result::startupMillis).toArray()).doubleValue();
    System.out.printf(
        Locale.ROOT,
        "median of %d rounds, %d requests each after %d warm-up, %s; load average %s%n",
        rounds,
        requests,
        warmUp,
        RATE > 0
            ? String.format(
                Locale.ROOT, "%.0f requests/s (open loop; latency from when each was due)", RATE)
            : CLIENTS + " clients",
        loadAverage());
    System.out.printf(
        Locale.ROOT,
        "no agent:   start-up %d ms, %.0f req/s, p99 %.2f ms, heap %d KB, CPU %.0f ms/1000 req"
            + " (of which JIT compiling %.0f)%n",
        a.startupMillis,
        a.requestsPerSecond,
        a.p99Millis,
        a.heapKb,
        a.cpuMillisPer1000,
        a.jitMillisPer1000);
    System.out.printf(
        Locale.ROOT,
        "agent:      start-up %d ms, %.0f req/s, p99 %.2f ms, heap %d KB, CPU %.0f ms/1000 req"
            + " (of which JIT compiling %.0f, the agent's publisher thread %.1f)%n",
        b.startupMillis,
        b.requestsPerSecond,
        b.p99Millis,
        b.heapKb,
        b.cpuMillisPer1000,
        b.jitMillisPer1000,
        b.publisherMillisPer1000);
    System.out.printf(
        Locale.ROOT,
        "agent/none: throughput %.3f, p99 %.3f, CPU per request %.3f (without JIT compiling"
            + " %.3f), start-up +%d ms, heap +%d KB%n",
        b.requestsPerSecond / a.requestsPerSecond,
        b.p99Millis / a.p99Millis,
        b.cpuMillisPer1000 / a.cpuMillisPer1000,
        (b.cpuMillisPer1000 - b.jitMillisPer1000) / (a.cpuMillisPer1000 - a.jitMillisPer1000),
        b.startupMillis - a.startupMillis,
        b.heapKb - a.heapKb);
    System.out.printf(
        Locale.ROOT,
        "agent waiting for a trigger: start-up %d ms, +%d ms%n",
        waitingStartup,
        waitingStartup - a.startupMillis);
  }

  private static Result run(String classpath, String agentArg, int requests, int warmUp, Path work)
      throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    // The JDK server otherwise waits on Nagle + delayed ACK (~40 ms) for small responses, which
    // would hide the agent's cost behind network waits.
    command.add("-Dsun.net.httpserver.nodelay=true");
    if (agentArg != null) {
      command.add(agentArg);
    }
    command.addAll(List.of("-cp", classpath, "io.retrace.examples.orders.OrdersService", "0"));
    Path log = Files.createTempFile(work, "service", ".log");
    long start = System.nanoTime();
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    int port = -1;
    while (port < 0) {
      Matcher m = READY.matcher(Files.readString(log, UTF_8));
      if (m.find()) {
        port = Integer.parseInt(m.group(1));
      } else if (!process.isAlive()) {
        throw new IllegalStateException("service exited: " + Files.readString(log, UTF_8));
      } else {
        Thread.onSpinWait();
      }
    }
    long startup = (System.nanoTime() - start) / 1_000_000;
    try {
      if (requests == 0) {
        return new Result(startup, 0, 0, 0, 0, 0, 0);
      }
      HttpClient http = HttpClient.newHttpClient();
      URI uri = URI.create("http://127.0.0.1:" + port + "/orders");
      load(http, uri, warmUp);
      long cpuStart = cpuNanos(process);
      double jitStart = threadMillis(process.pid(), JIT_THREADS);
      double publisherStart = threadMillis(process.pid(), PUBLISHER_THREAD);
      long loadStart = System.nanoTime();
      List<Long> latencies =
          RATE > 0 ? loadAtRate(http, uri, requests, RATE) : load(http, uri, requests);
      double seconds = (System.nanoTime() - loadStart) / 1e9;
      double cpuPer1000 = (cpuNanos(process) - cpuStart) / 1e6 / requests * 1000;
      double jitPer1000 = (threadMillis(process.pid(), JIT_THREADS) - jitStart) / requests * 1000;
      double publisherPer1000 =
          (threadMillis(process.pid(), PUBLISHER_THREAD) - publisherStart) / requests * 1000;
      Collections.sort(latencies);
      double p99 = latencies.get((int) (latencies.size() * 0.99)) / 1e6;
      return new Result(
          startup,
          requests / seconds,
          p99,
          heapUsedKb(process.pid()),
          cpuPer1000,
          jitPer1000,
          publisherPer1000);
    } finally {
      process.destroy();
      process.waitFor();
    }
  }

  private static String loadAverage() throws java.io.IOException {
    return Files.readString(Path.of("/proc/loadavg")).trim();
  }

  /** CPU time the service's process has used so far (all its threads, the agent's included). */
  private static long cpuNanos(Process process) {
    return process.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
  }

  /** The closed loop: {@link #CLIENTS} clients, each sending its next order when one returns. */
  private static List<Long> load(HttpClient http, URI uri, int requests) throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    List<Future<Long>> futures = new ArrayList<>(requests);
    for (int i = 0; i < requests; i++) {
      String id = "bench-" + i;
      futures.add(
          clients.submit(
              () -> {
                long t = System.nanoTime();
                created(http.send(order(uri, id), HttpResponse.BodyHandlers.ofString()));
                return System.nanoTime() - t;
              }));
    }
    List<Long> latencies = new ArrayList<>(requests);
    for (Future<Long> f : futures) {
      latencies.add(f.get());
    }
    clients.shutdown();
    return latencies;
  }

  /**
   * The open loop: an order every {@code 1/rate} seconds, however long the earlier ones take, each
   * one's latency counted from the time it was due, so that a service falling behind shows in every
   * request that waited (no coordinated omission).
   */
  private static List<Long> loadAtRate(HttpClient http, URI uri, int requests, double rate)
      throws Exception {
    long start = System.nanoTime();
    List<CompletableFuture<Long>> futures = new ArrayList<>(requests);
    for (int i = 0; i < requests; i++) {
      long due = start + (long) (i * 1e9 / rate);
      for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
        LockSupport.parkNanos(wait);
      }
      futures.add(
          http.sendAsync(order(uri, "bench-" + i), HttpResponse.BodyHandlers.ofString())
              .thenApply(
                  response -> {
                    created(response);
                    return System.nanoTime() - due;
                  }));
    }
    List<Long> latencies = new ArrayList<>(requests);
    for (CompletableFuture<Long> f : futures) {
      latencies.add(f.get());
    }
    return latencies;
  }

  private static HttpRequest order(URI uri, String id) {
    return HttpRequest.newBuilder(uri)
        .header("X-Request-Id", id)
        .POST(HttpRequest.BodyPublishers.ofString("{\"product\":1,\"qty\":2}"))
        .build();
  }

  private static void created(HttpResponse<String> response) {
    if (response.statusCode() != 201) {
      throw new IllegalStateException("HTTP " + response.statusCode());
    }
  }

  /**
   * The service's JIT compiler threads ({@code C1/C2 CompilerThre} in {@code /proc}). Part of the
   * CPU time above: on a busy machine the measured window still holds much of the JIT's warm-up,
   * whose size grows with the code the agent adds, so it is shown apart.
   */
  private static final String JIT_THREADS = "CompilerThre";

  /**
   * The agent's publisher thread ({@code retrace-publisher}, 15 characters in {@code /proc}): its
   * share resolves a change to redaction, encoding or the sink that the process's CPU, which moves
   * by tens of µs a request between runs, does not.
   */
  private static final String PUBLISHER_THREAD = "retrace-publish";

  /**
   * CPU time the service's threads whose name contains {@code name} have used so far (utime+stime
   * in {@code /proc}), in ms; 0 where there is no {@code /proc}.
   */
  private static double threadMillis(long pid, String name) {
    double ticks = 0;
    try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          if (Files.readString(task.resolve("comm")).contains(name)) {
            String stat = Files.readString(task.resolve("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
          }
        } catch (java.io.IOException e) {
          // the thread ended meanwhile
        }
      }
    } catch (java.io.IOException e) {
      return 0;
    }
    return ticks * 10; // USER_HZ is 100 on Linux
  }

  private static long heapUsedKb(long pid) throws Exception {
    run("jcmd", String.valueOf(pid), "GC.run");
    Matcher m = HEAP_USED.matcher(run("jcmd", String.valueOf(pid), "GC.heap_info"));
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), UTF_8);
    p.waitFor();
    return out;
  }

  private static String examplesClasspath() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> e.contains("retrace-examples") || e.contains("h2-"))
        .reduce((x, y) -> x + File.pathSeparator + y)
        .orElseThrow(() -> new IllegalStateException("examples and h2 are not on the class path"));
  }

  private static Result median(List<Result> results) {
    return new Result(
        median(results.stream().mapToDouble(Result::startupMillis).toArray()).longValue(),
        median(results.stream().mapToDouble(Result::requestsPerSecond).toArray()),
        median(results.stream().mapToDouble(Result::p99Millis).toArray()),
        median(results.stream().mapToDouble(Result::heapKb).toArray()).longValue(),
        median(results.stream().mapToDouble(Result::cpuMillisPer1000).toArray()),
        median(results.stream().mapToDouble(Result::jitMillisPer1000).toArray()),
        median(results.stream().mapToDouble(Result::publisherMillisPer1000).toArray()));
  }

  private static Double median(double[] values) {
    Arrays.sort(values);
    return values[values.length / 2];
  }
}
