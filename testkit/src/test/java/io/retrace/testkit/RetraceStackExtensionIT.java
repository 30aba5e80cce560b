package io.retrace.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.topic.Topic;
import io.retrace.schemas.topic.Topics;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RetraceStackExtension.class)
class RetraceStackExtensionIT {

  @Test
  void everyTestInTheJvmGetsTheSameStack(TestStack first, TestStack second) {
    assertThat(first).isSameAs(second);
    assertThat(first.bootstrapServers()).startsWith("127.0.0.1:");
    assertThat(first.registryUrl()).startsWith("http://127.0.0.1:");
  }

  @Test
  void theFixedTopicsExist(TestStack stack) throws Exception {
    assertThat(stack.admin().listTopics().names().get())
        .containsAll(Topics.FIXED.stream().map(Topic::name).toList());
  }

  @Test
  void freshTopicsAreIsolatedAndReadBackInOrder(TestStack stack) throws Exception {
    Topic<String, RecordedEvent> a = stack.freshTopic(Topics.EVENTS);
    Topic<String, RecordedEvent> b = stack.freshTopic(Topics.EVENTS);
    assertThat(a.name()).isNotEqualTo(b.name()).startsWith("retrace.events-");

    EventBuilder events = Events.event().session("s1");
    List<RecordedEvent> sent =
        List.of(events.httpServer("GET", "/a", 200), events.httpClient("GET", "/b", 200));
    try (KafkaProducer<String, RecordedEvent> producer = stack.producer(a)) {
      for (RecordedEvent e : sent) {
        producer.send(new ProducerRecord<>(a.name(), "s1", e)).get();
      }
    }

    assertThat(stack.readToEnd(a)).map(ConsumerRecord::value).containsExactlyElementsOf(sent);
    assertThat(stack.readToEnd(b)).isEmpty();
  }
}
