package io.retrace.bench.agent;

import io.retrace.agent.publish.EventSerializer;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.registry.InMemorySchemaRegistryClient;
import io.retrace.schemas.serde.AvroSerializer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The Kafka sink's value serialization of one session of {@link PublisherThroughput}'s events (an
 * inbound HTTP exchange with order bodies, an HTTP call with a quote body, a JDBC query with a row,
 * a JDBC update with parameters, a UUID and a clock read; ~493 bytes each): the agent's {@link
 * EventSerializer} against the schemas module's {@link AvroSerializer}, which the sink used before,
 * on the same events, topic and registry. Scores are events/s; both produce the same bytes (checked
 * at set-up).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx512m"})
public class EventSerializerBenchmark {
  private static final String TOPIC = "retrace.rec.bench";
  private static final int SESSION = 6;

  private RecordedEvent[] events;
  private AvroSerializer<RecordedEvent> avro;
  private EventSerializer direct;

  @Setup
  public void setUp() {
    List<RecordedEvent> session = PublisherThroughput.events(SESSION);
    events = session.toArray(new RecordedEvent[0]);
    InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    avro = new AvroSerializer<>(registry);
    direct = new EventSerializer(registry, Map.of());
    for (int pass = 0; pass < 2; pass++) {
      for (RecordedEvent e : events) {
        if (!Arrays.equals(direct.serialize(TOPIC, e), avro.serialize(TOPIC, e))) {
          throw new IllegalStateException("the two serializers disagree on " + e);
        }
      }
    }
  }

  @Benchmark
  @OperationsPerInvocation(SESSION)
  public void avroSerializer(Blackhole bh) {
    for (RecordedEvent e : events) {
      bh.consume(avro.serialize(TOPIC, e));
    }
  }

  @Benchmark
  @OperationsPerInvocation(SESSION)
  public void eventSerializer(Blackhole bh) {
    for (RecordedEvent e : events) {
      bh.consume(direct.serialize(TOPIC, e));
    }
  }
}
