package io.retrace.agent;

import io.retrace.examples.orders.OrdersService;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * An application that uses its own kafka-clients (3.9.1 at run time, see the agent's pom) and then
 * serves orders: run by {@link KafkaSinkIT} with the agent attached.
 */
final class OwnKafkaApp {
  private OwnKafkaApp() {}

  public static void main(String[] args) throws Exception {
    Map<String, Object> config =
        Map.of("bootstrap.servers", System.getProperty("app.kafka.bootstrap"), "acks", "all");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  System.getProperty("app.kafka.topic"),
                  "sent by the application's own kafka-clients"))
          .get();
    }
    java.util.Properties version = new java.util.Properties();
    try (var in = KafkaProducer.class.getResourceAsStream("/kafka/kafka-version.properties")) {
      version.load(in);
    }
    System.out.println("app kafka-clients " + version.getProperty("version"));
    OrdersService.main(new String[] {"0"});
  }
}
