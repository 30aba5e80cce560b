package io.retrace.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObjectCacheStoreTest {
  @TempDir Path stateDir;

  private ObjectCacheStore<String, Long> store;

  /** A store holding at most {@code maxEntries} objects over RocksDB (not logged: no broker). */
  private ObjectCacheStore<String, Long> open(int maxEntries) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "object-cache-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    MockProcessorContext<Object, Object> context =
        new MockProcessorContext<>(props, new TaskId(0, 0), stateDir.toFile());
    store =
        (ObjectCacheStore<String, Long>)
            ObjectCacheStore.builder("counts", Serdes.String(), Serdes.Long(), maxEntries)
                .withLoggingDisabled()
                .build();
    store.init(context.getStateStoreContext(), store);
    return store;
  }

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  private Long below(String key) {
    return store.wrapped().get(key);
  }

  @Test
  void aKeyChangedManyTimesIsWrittenBelowOnceWhenTheCacheIsFlushed() {
    open(100);
    List<Long> written = new ArrayList<>();
    store.onWriteDown((key, value) -> written.add(value));
    for (long i = 1; i <= 1000; i++) {
      store.put("agent-1", i);
    }

    assertThat(store.get("agent-1")).isEqualTo(1000L);
    assertThat(below("agent-1")).as("nothing written before the commit").isNull();
    store.flushCache();
    assertThat(below("agent-1")).isEqualTo(1000L);
    assertThat(written).containsExactly(1000L);

    store.flushCache();
    assertThat(written).as("an unchanged key is not written again").containsExactly(1000L);
  }

  @Test
  void changesNotYetFlushedAreDroppedWithUncommittedWork() {
    open(100);
    store.put("a", 1L);
    store.flushCache();
    store.put("a", 2L);
    store.put("b", 3L);

    store.clearCache();

    assertThat(store.get("a")).isEqualTo(1L);
    assertThat(store.get("b")).isNull();
  }

  @Test
  void deletesAndFullReadsSeeTheCachedChanges() {
    open(100);
    store.put("a", 1L);
    store.put("b", 2L);
    store.flushCache();
    store.put("c", 3L);
    assertThat(store.delete("a")).isEqualTo(1L);

    List<KeyValue<String, Long>> all = new ArrayList<>();
    try (KeyValueIterator<String, Long> it = store.all()) {
      it.forEachRemaining(all::add);
    }
    assertThat(all).containsExactly(KeyValue.pair("b", 2L), KeyValue.pair("c", 3L));
    assertThat(store.get("a")).isNull();
    assertThat(store.putIfAbsent("b", 9L)).isEqualTo(2L);
  }

  @Test
  void pastItsBoundTheLeastRecentlyUsedIsWrittenDownAndForgotten() {
    open(2);
    List<String> written = new ArrayList<>();
    store.onWriteDown((key, value) -> written.add(key));
    store.put("a", 1L);
    store.put("b", 2L);
    store.get("a");
    store.put("c", 3L);

    assertThat(written).as("b was used least recently").containsExactly("b");
    assertThat(below("b")).isEqualTo(2L);
    assertThat(below("a")).isNull();
    assertThat(store.get("b")).isEqualTo(2L);
  }
}
