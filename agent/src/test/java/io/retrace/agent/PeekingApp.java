package io.retrace.agent;

import io.retrace.examples.orders.OrdersService;

/**
 * An application that looks for the agent's classes and for the JDK internals the agent opens,
 * prints what it finds, then serves orders: run by {@link AgentIsolationIT} with the agent
 * attached.
 */
final class PeekingApp {
  private PeekingApp() {}

  public static void main(String[] args) throws Exception {
    for (String name :
        new String[] {
          "io.retrace.agent.AgentRuntime",
          "io.retrace.agent.shaded.kafka.clients.producer.KafkaProducer",
          "io.retrace.agent.shaded.asm.ClassReader",
        }) {
      try {
        Class.forName(name, false, PeekingApp.class.getClassLoader());
        System.out.println("visible: " + name);
      } catch (ClassNotFoundException e) {
        System.out.println("hidden: " + name);
      }
    }
    System.out.println(
        "jdk.internal.misc exported to the application: "
            + Object.class
                .getModule()
                .isExported("jdk.internal.misc", PeekingApp.class.getModule()));
    System.out.println(
        "agent resource visible: "
            + (PeekingApp.class.getResource("/kafka/kafka-version.properties") != null));
    OrdersService.main(new String[] {"0"});
  }
}
