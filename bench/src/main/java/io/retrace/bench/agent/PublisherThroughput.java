package io.retrace.bench.agent;

import io.retrace.agent.publish.AgentMetrics;
import io.retrace.agent.publish.EventBuffer;
import io.retrace.agent.publish.KafkaSink;
import io.retrace.agent.publish.Publisher;
import io.retrace.agent.publish.Spool;
import io.retrace.redaction.RedactionPolicy;
import io.retrace.redaction.Redactor;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.serde.AvroSerializer;
import io.retrace.schemas.topic.TopicAdmin;
import io.retrace.schemas.topic.Topics;
import io.retrace.stack.kafka.EmbeddedKafka;
import io.retrace.stack.registry.SchemaRegistryServer;
import io.retrace.testkit.EventBuilder;
import io.retrace.testkit.Events;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The agent's publisher (buffer → publisher thread → Kafka sink) against a plain KafkaProducer loop
 * sending the same ~500-byte events with the same producer settings, on one in-JVM broker in one
 * run; once without and once with redaction at the source. Each path gets a warm-up pass, then the
 * three alternate for a few rounds; medians are reported. Also the CPU time per event of the thread
 * that serializes and sends: the publisher thread, and the plain loop's own thread.
 *
 * <p>Run: {@code bench/run --main io.retrace.bench.agent.PublisherThroughput [events [rounds]]}
 */
public final class PublisherThroughput {
  /** A typical order body, so that events average about 500 bytes on the wire. */
  private static final String ORDER_JSON =
      "{\"customer\":{\"id\":\"c-1042\",\"tier\":\"gold\",\"country\":\"DE\"},"
          + "\"items\":[{\"sku\":\"espresso-beans-1kg\",\"qty\":2,\"unit\":24.90},"
          + "{\"sku\":\"milk-frother\",\"qty\":1,\"unit\":39.00},"
          + "{\"sku\":\"cups-set-6\",\"qty\":1,\"unit\":18.50}],"
          + "\"shipping\":{\"method\":\"express\",\"address\":\"Hauptstrasse 5, 10115 Berlin\"},"
          + "\"coupon\":\"WINTER26\",\"notes\":\"ring twice, leave at the door if nobody answers\","
          + "\"gift\":{\"wrap\":true,\"message\":\"Happy birthday, enjoy the coffee!\"},"
          + "\"channel\":\"web\",\"currency\":\"EUR\",\"locale\":\"de-DE\"}";

  /** The pricing endpoint's answer, which the agent records as the HTTP client call's body. */
  private static final String QUOTE_JSON =
      "{\"product\":1,\"qty\":2,\"unit\":2.50,\"total\":5.00,\"currency\":\"EUR\","
          + "\"validUntil\":\"2026-11-28T10:20:30Z\",\"priceList\":\"retail-2026-q4\","
          + "\"discounts\":[{\"code\":\"LOYALTY\",\"percent\":0}],\"tax\":{\"rate\":0.19,"
          + "\"included\":true},\"source\":\"pricing-v3\",\"cacheHit\":false,"
          + "\"rules\":[\"base-price\",\"volume-tier-1\",\"loyalty-gold\",\"region-de\"],"
          + "\"computedBy\":\"pricing-7f9c6d-x2k4p\",\"traceId\":\"4bf92f3577b34da6a3ce929d0e0e4736\"}";

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private PublisherThroughput() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path dir = Files.createTempDirectory("retrace-bench-publisher");
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), "127.0.0.1", 0, Map.of());
        SchemaRegistryServer registry =
            SchemaRegistryServer.start(kafka.bootstrapServers(), "127.0.0.1", 0);
        Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      List<RecordedEvent> events = events(n);
      long bytes = 0;
      AvroSerializer<RecordedEvent> sizer = new AvroSerializer<>();
      sizer.configure(Map.of("schema.registry.url", registry.url()), false);
      for (int i = 0; i < 6000; i++) {
        bytes += sizer.serialize("size", events.get(i)).length;
      }
      System.out.printf(
          Locale.ROOT, "%d events, ~%d bytes each (Avro, uncompressed)%n", n, bytes / 6000);

      TopicAdmin.ensure(
          admin,
          List.of(
              Topics.recording("plain", 3),
              Topics.recording("agent", 3),
              Topics.recording("agent-redacted", 3)),
          (short) 1);
      Redactor redactor =
          Redactor.create(
              RedactionPolicy.defaults(),
              "bench-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8),
              "agent");
      String bootstrap = kafka.bootstrapServers();
      List<RecordedEvent> plainEvents = retarget(events, "plain");
      List<RecordedEvent> agentEvents = retarget(events, "agent");
      List<RecordedEvent> redactedEvents = retarget(events, "agent-redacted");
      // A first pass of each path warms the JIT and the broker; only the rounds after it count.
      plain(bootstrap, registry.url(), plainEvents.subList(0, n / 4));
      agent(
          bootstrap, registry.url(), agentEvents.subList(0, n / 4), dir, UnaryOperator.identity());
      agent(bootstrap, registry.url(), redactedEvents.subList(0, n / 4), dir, redactor::redact);
      double[] plain = new double[rounds];
      double[] agent = new double[rounds];
      double[] redacted = new double[rounds];
      double[] plainCpu = new double[rounds];
      double[] agentCpu = new double[rounds];
      double[] redactedCpu = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        Run p = plain(bootstrap, registry.url(), plainEvents);
        Run a = agent(bootstrap, registry.url(), agentEvents, dir, UnaryOperator.identity());
        Run x = agent(bootstrap, registry.url(), redactedEvents, dir, redactor::redact);
        plain[r] = p.rate();
        agent[r] = a.rate();
        redacted[r] = x.rate();
        plainCpu[r] = p.cpuMicros();
        agentCpu[r] = a.cpuMicros();
        redactedCpu[r] = x.cpuMicros();
        System.out.printf(
            Locale.ROOT,
            "round %d: plain %,.0f/s, agent %,.0f/s (%.2f), agent + redaction %,.0f/s (%.2f);"
                + " CPU/event of the sending thread: plain %.2f us, agent %.2f us,"
                + " agent + redaction %.2f us%n",
            r + 1,
            plain[r],
            agent[r],
            agent[r] / plain[r],
            redacted[r],
            redacted[r] / plain[r],
            plainCpu[r],
            agentCpu[r],
            redactedCpu[r]);
      }
      double[] agentRatio = new double[rounds];
      double[] redactedRatio = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        agentRatio[r] = agent[r] / plain[r];
        redactedRatio[r] = redacted[r] / plain[r];
      }
      System.out.printf(
          Locale.ROOT, "median of %d rounds (ratios: median of each round's):%n", rounds);
      System.out.printf(
          Locale.ROOT, "plain KafkaProducer loop:     %,.0f events/s%n", median(plain));
      System.out.printf(
          Locale.ROOT,
          "agent publisher:              %,.0f events/s (%.2f of plain)%n",
          median(agent),
          median(agentRatio));
      System.out.printf(
          Locale.ROOT,
          "agent publisher + redaction:  %,.0f events/s (%.2f of plain)%n",
          median(redacted),
          median(redactedRatio));
      System.out.printf(
          Locale.ROOT,
          "CPU per event, sending thread: plain loop %.2f us, publisher %.2f us,"
              + " publisher + redaction %.2f us%n",
          median(plainCpu),
          median(agentCpu),
          median(redactedCpu));
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  /** Events per second, and CPU microseconds per event of the thread that serialized and sent. */
  private record Run(double rate, double cpuMicros) {}

  /**
   * The same producer settings as the agent's sink, a send loop; its serializer is the one the sink
   * used before it had its own (the schemas module's AvroSerializer).
   */
  private static Run plain(String bootstrap, String registry, List<RecordedEvent> events)
      throws Exception {
    Map<String, Object> config =
        KafkaSink.producerConfig(bootstrap, registry, Duration.ofSeconds(30));
    AvroSerializer<RecordedEvent> values = new AvroSerializer<>();
    values.configure(config, false);
    try (KafkaProducer<String, RecordedEvent> producer =
        new KafkaProducer<>(config, new StringSerializer(), values)) {
      long start = System.nanoTime();
      long cpu = THREADS.getCurrentThreadCpuTime();
      for (RecordedEvent e : events) {
        producer.send(
            new ProducerRecord<>("retrace.rec." + e.getRecordingId(), e.getSessionId(), e));
      }
      producer.flush();
      return new Run(
          events.size() / ((System.nanoTime() - start) / 1e9),
          (THREADS.getCurrentThreadCpuTime() - cpu) / 1e3 / events.size());
    }
  }

  /**
   * Events already in the buffer, drained by the publisher until the broker acknowledged all of
   * them; timed from the moment the sink is open, as the plain loop is timed from its producer's.
   */
  private static Run agent(
      String bootstrap,
      String registry,
      List<RecordedEvent> events,
      Path dir,
      UnaryOperator<RecordedEvent> transform)
      throws Exception {
    EventBuffer buffer = new EventBuffer(events.size() + 1024);
    AgentMetrics metrics = new AgentMetrics(buffer);
    events.forEach(buffer::offer);
    AtomicLong start = new AtomicLong();
    AtomicLong startCpu = new AtomicLong();
    AtomicReference<Thread> publishing = new AtomicReference<>();
    Publisher publisher =
        new Publisher(
            buffer,
            () ->
                new KafkaSink(
                    bootstrap,
                    registry,
                    new Spool(Files.createTempDirectory(dir, "spool"), 1L << 30),
                    3,
                    Duration.ofSeconds(30),
                    metrics),
            () -> {
              publishing.set(Thread.currentThread());
              startCpu.set(THREADS.getCurrentThreadCpuTime());
              start.set(System.nanoTime());
            },
            (session, dropped) -> {
              throw new IllegalStateException("no drops expected");
            },
            () -> transform,
            metrics);
    publisher.start();
    while (metrics.getSent() < events.size()) {
      Thread.sleep(1);
    }
    double rate = events.size() / ((System.nanoTime() - start.get()) / 1e9);
    long cpu = THREADS.getThreadCpuTime(publishing.get().getId()) - startCpu.get();
    publisher.close(10_000);
    return new Run(rate, cpu / 1e3 / events.size());
  }

  /** Sessions of 6 events: an inbound call, HTTP and JDBC calls, values, with realistic bodies. */
  static List<RecordedEvent> events(int n) {
    List<RecordedEvent> events = new ArrayList<>(n);
    for (int s = 0; events.size() < n; s++) {
      EventBuilder b = Events.event().recording("bench").session("session-" + s);
      RecordedEvent inbound = b.httpServer("POST", "http://orders.local/orders?customer=" + s, 201);
      ((io.retrace.schemas.event.HttpExchange) inbound.getPayload())
          .setRequestBody(EventBuilder.json(ORDER_JSON));
      ((io.retrace.schemas.event.HttpExchange) inbound.getPayload())
          .setResponseBody(EventBuilder.json(ORDER_JSON));
      events.add(inbound);
      RecordedEvent quote = b.httpClient("GET", "http://pricing.local/quote?product=1&qty=2", 200);
      ((io.retrace.schemas.event.HttpExchange) quote.getPayload())
          .setResponseBody(EventBuilder.json(QUOTE_JSON));
      events.add(quote);
      events.add(
          b.jdbcQuery(
              "select name, price from product where id = ?",
              List.of("name", "price"),
              List.of(List.of("espresso", "2.50"))));
      events.add(
          b.jdbcUpdate(
              "insert into orders values (?, ?, ?, ?, ?)",
              List.of("id-" + s, 1, 2, "5.00", "2026-11-28T10:15:30Z"),
              1));
      events.add(b.uuid(java.util.UUID.randomUUID()));
      for (int i = 0; i < 1 && events.size() < n; i++) {
        events.add(
            b.value(
                io.retrace.schemas.event.ValueSource.INSTANT_NOW,
                "java.time.Clock#instant",
                1_764_000_000_000_000_000L + i));
      }
    }
    return events.subList(0, n);
  }

  private static List<RecordedEvent> retarget(List<RecordedEvent> events, String recording) {
    List<RecordedEvent> out = new ArrayList<>(events.size());
    for (RecordedEvent e : events) {
      RecordedEvent copy = RecordedEvent.newBuilder(e).setRecordingId(recording).build();
      out.add(copy);
    }
    return out;
  }
}
