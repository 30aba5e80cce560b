package io.retrace.bench.agent;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.retrace.schemas.topic.TopicAdmin;
import io.retrace.schemas.topic.Topics;
import io.retrace.stack.kafka.EmbeddedKafka;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Start-up time the agent adds to the example order service: N rounds, each launching the service
 * with no agent, with an agent waiting for a trigger (admin endpoint; and admin endpoint plus
 * break-glass control on an embedded broker), and with an agent recording from start-up, in
 * alternation. For each it reports the median wall time from launch to the service's "listening"
 * line, and the process's CPU time (utime + stime from {@code /proc/<pid>/stat}) and its busiest
 * threads' CPU at that moment; then the latency of a first order placed right away, so that work
 * moved past "listening" shows where the first user would meet it.
 *
 * <p>The service's output is read from its pipe with a blocking read, so the harness itself costs
 * no CPU while the service starts (a polling loop would take one of a small machine's cores).
 *
 * <p>Run from the repository root: {@code bench/run --main io.retrace.bench.agent.StartupTime
 * [rounds]}; {@code BENCH_JAVA_OPTS=-Dbench.agent.options=k=v,...} adds agent options, {@code
 * -Dbench.agent.compare=other/retrace-agent.jar} adds the same agent launches with another build of
 * the agent (before and after a change, in one run).
 */
public final class StartupTime {
  private static final String READY = "listening on port";
  private static final String EXTRA_AGENT_OPTIONS =
      System.getProperty("bench.agent.options", "").isEmpty()
          ? ""
          : "," + System.getProperty("bench.agent.options");

  /** Linux reports CPU times in clock ticks of this many milliseconds (USER_HZ = 100). */
  private static final long TICK_MILLIS = 10;

  private StartupTime() {}

  /**
   * One launch: wall time to "listening", process CPU then, CPU per thread name, and the latency of
   * the first request, sent as soon as the service listens (what start-up work the agent leaves for
   * later, the first request may meet).
   */
  record Launch(
      long wallMillis,
      long cpuMillis,
      Map<String, Long> threadCpuMillis,
      long firstRequestMillis) {}

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 9;
    Path agent = Path.of("agent/target/retrace-agent.jar").toAbsolutePath();
    if (!Files.exists(agent)) {
      throw new IllegalStateException(agent + " is missing: run from the repository root");
    }
    String classpath = examplesClasspath();
    Path work = Files.createTempDirectory("retrace-bench-startup");
    try (EmbeddedKafka kafka =
        EmbeddedKafka.start(work.resolve("kafka"), "127.0.0.1", 0, Map.of())) {
      try (Admin admin =
          Admin.create(
              Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
        TopicAdmin.ensure(admin, List.of(Topics.CONTROL, Topics.AUDIT), (short) 1);
      }
      Map<String, String> variants = new LinkedHashMap<>();
      variants.put("no agent", null);
      agentVariants(variants, "", agent, work, kafka.bootstrapServers());
      String compare = System.getProperty("bench.agent.compare", "");
      if (!compare.isEmpty()) {
        agentVariants(variants, " [compare]", Path.of(compare), work, kafka.bootstrapServers());
      }
      Map<String, List<Launch>> results = new LinkedHashMap<>();
      variants.keySet().forEach(v -> results.put(v, new ArrayList<>()));
      launch(classpath, null); // warms the page cache and this HTTP client; not counted
      for (int round = 0; round < rounds; round++) {
        for (Map.Entry<String, String> v : variants.entrySet()) {
          String agentArg = v.getValue() == null ? null : v.getValue() + EXTRA_AGENT_OPTIONS;
          results.get(v.getKey()).add(launch(classpath, agentArg));
        }
      }
      report(rounds, results);
    }
  }

  /** An agent waiting for a trigger (admin; admin and control), and one recording from start. */
  private static void agentVariants(
      Map<String, String> variants, String label, Path agent, Path work, String bootstrap) {
    String base = "-javaagent:" + agent + "=service=orders";
    variants.put(
        "waiting (admin)" + label,
        base + ",admin.port=0,admin.token=bench-token-0123456789,out=" + work.resolve("w.avro"));
    variants.put(
        "waiting (admin+control)" + label,
        base
            + ",admin.port=0,admin.token=bench-token-0123456789,control=true,"
            + "control.key=bench-key-0123456789,bootstrap="
            + bootstrap);
    variants.put("recording" + label, base + ",recording=bench,out=" + work.resolve("r.avro"));
  }

  private static void report(int rounds, Map<String, List<Launch>> results) throws IOException {
    System.out.printf(
        Locale.ROOT,
        "median of %d alternating launches each; load average before the report: %s%n",
        rounds,
        Files.readString(Path.of("/proc/loadavg")).trim());
    long baseWall = median(results.get("no agent").stream().mapToLong(Launch::wallMillis));
    long baseCpu = median(results.get("no agent").stream().mapToLong(Launch::cpuMillis));
    long baseFirst = median(results.get("no agent").stream().mapToLong(Launch::firstRequestMillis));
    for (Map.Entry<String, List<Launch>> r : results.entrySet()) {
      List<Launch> launches = r.getValue();
      long wall = median(launches.stream().mapToLong(Launch::wallMillis));
      long cpu = median(launches.stream().mapToLong(Launch::cpuMillis));
      long first = median(launches.stream().mapToLong(Launch::firstRequestMillis));
      // Median CPU of each thread name over the launches; the busiest few are what compete.
      Map<String, Long> threads = new TreeMap<>();
      launches.stream()
          .flatMap(l -> l.threadCpuMillis().keySet().stream())
          .distinct()
          .forEach(
              name ->
                  threads.put(
                      name,
                      median(
                          launches.stream()
                              .mapToLong(l -> l.threadCpuMillis().getOrDefault(name, 0L)))));
      String busiest =
          threads.entrySet().stream()
              .filter(e -> e.getValue() >= 30)
              .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
              .limit(6)
              .map(e -> e.getKey() + " " + e.getValue())
              .reduce((a, b) -> a + ", " + b)
              .orElse("");
      System.out.printf(
          Locale.ROOT,
          "%-34s start-up %5d ms (%+5d)  CPU %5d ms (%+5d)  first request %4d ms (%+4d)  [%s]"
              + "  all: %s%n",
          r.getKey(),
          wall,
          wall - baseWall,
          cpu,
          cpu - baseCpu,
          first,
          first - baseFirst,
          busiest,
          launches.stream().map(l -> String.valueOf(l.wallMillis())).toList());
    }
  }

  private static Launch launch(String classpath, String agentArg) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    if (agentArg != null) {
      command.add(agentArg);
    }
    command.addAll(List.of("-cp", classpath, "io.retrace.examples.orders.OrdersService", "0"));
    long start = System.nanoTime();
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    StringBuilder output = new StringBuilder();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.contains(READY)) {
          long wall = (System.nanoTime() - start) / 1_000_000;
          long cpu = cpuMillis(process.pid());
          Map<String, Long> threads = threadCpuMillis(process.pid());
          int port = Integer.parseInt(line.substring(line.indexOf(READY) + READY.length()).trim());
          return new Launch(wall, cpu, threads, firstRequestMillis(port));
        }
        output.append(line).append('\n');
      }
      throw new IllegalStateException("service exited before listening: " + output);
    } finally {
      process.destroy();
      process.waitFor();
    }
  }

  /** An order placed (an inbound request, JDBC, an outbound HTTP call), timed to its answer. */
  private static long firstRequestMillis(int port) throws IOException, InterruptedException {
    HttpRequest order =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/orders"))
            .header("X-Request-Id", "first")
            .POST(HttpRequest.BodyPublishers.ofString("{\"product\":1,\"qty\":2}"))
            .build();
    long start = System.nanoTime();
    HttpResponse<String> response = HTTP.send(order, HttpResponse.BodyHandlers.ofString());
    long millis = (System.nanoTime() - start) / 1_000_000;
    if (response.statusCode() != 201) {
      throw new IllegalStateException("first order failed: " + response.statusCode());
    }
    return millis;
  }

  /** utime + stime of a process or thread, from its {@code stat} file. */
  private static long cpuMillis(Path stat) throws IOException {
    String s = Files.readString(stat);
    // Fields after the command name (which may hold spaces) start after the last ')'.
    String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK_MILLIS;
  }

  private static long cpuMillis(long pid) throws IOException {
    return cpuMillis(Path.of("/proc", String.valueOf(pid), "stat"));
  }

  /** CPU per thread name (threads of one name, such as GC workers, summed). */
  private static Map<String, Long> threadCpuMillis(long pid) throws IOException {
    Map<String, Long> byName = new TreeMap<>();
    try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
      for (Path task : tasks.toList()) {
        try {
          String name = Files.readString(task.resolve("comm")).trim().replaceAll("\\d+$", "#");
          byName.merge(name, cpuMillis(task.resolve("stat")), Long::sum);
        } catch (IOException threadEnded) {
          // the thread ended between the listing and the read
        }
      }
    }
    return byName;
  }

  private static long median(java.util.stream.LongStream values) {
    long[] v = values.sorted().toArray();
    return v[v.length / 2];
  }

  private static String examplesClasspath() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> e.contains("retrace-examples") || e.contains("h2-"))
        .reduce((x, y) -> x + File.pathSeparator + y)
        .orElseThrow(() -> new IllegalStateException("examples and h2 are not on the class path"));
  }
}
