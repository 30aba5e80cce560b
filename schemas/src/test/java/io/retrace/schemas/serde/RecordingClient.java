package io.retrace.schemas.serde;

import io.retrace.schemas.registry.SchemaRegistryClient;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Wraps a registry client and records the name of every method called on it. */
final class RecordingClient {
  final List<String> calls = new CopyOnWriteArrayList<>();
  final SchemaRegistryClient client;

  RecordingClient(SchemaRegistryClient delegate) {
    client =
        (SchemaRegistryClient)
            Proxy.newProxyInstance(
                SchemaRegistryClient.class.getClassLoader(),
                new Class<?>[] {SchemaRegistryClient.class},
                (proxy, method, args) -> {
                  calls.add(method.getName());
                  try {
                    return method.invoke(delegate, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
  }

  long count(String method) {
    return calls.stream().filter(method::equals).count();
  }
}
