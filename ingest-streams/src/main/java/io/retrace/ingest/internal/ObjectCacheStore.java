package io.retrace.ingest.internal;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * A key-value store for the app's own processors that keeps the values they read and write as
 * objects, and writes each changed key to the logged store below once per commit instead of on
 * every put. Kafka Streams' record cache holds serialized bytes, so with it every get and put of
 * the hot path (the per-agent sequence, the pending catalog delta) paid a serde round trip.
 *
 * <p>Exactly-once is kept the way Kafka Streams keeps it for its own cache: changed entries are
 * written down when the task flushes its caches, which it does before every commit, so they travel
 * in the same transaction as the records they came from; a task that is closed dirty, or revived,
 * drops them with the rest of its uncommitted work. Bounded: at most {@code maxEntries} objects per
 * store and task; past that the least recently used is dropped, written down first if changed.
 *
 * <p>It hooks into the cache flush through Kafka Streams' {@code WrappedStateStore}, the base of
 * its own store layers: an internal class, so a Kafka upgrade must keep the topology tests and the
 * crash-recovery test green.
 */
public final class ObjectCacheStore<K, V> extends WrappedStateStore<KeyValueStore<K, V>, K, V>
    implements KeyValueStore<K, V> {
  /** A cached value, null for a deleted key; dirty until written to the store below. */
  private static final class Entry<V> {
    V value;
    boolean dirty;

    Entry(V value, boolean dirty) {
      this.value = value;
      this.dirty = dirty;
    }
  }

  private final Map<K, Entry<V>> entries;
  private BiConsumer<K, V> onWriteDown = (key, value) -> {};

  private ObjectCacheStore(KeyValueStore<K, V> below, int maxEntries) {
    super(below);
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<K, Entry<V>> eldest) {
            if (size() <= maxEntries) {
              return false;
            }
            writeDown(eldest.getKey(), eldest.getValue());
            return true;
          }
        };
  }

  /**
   * A persistent, logged store named {@code name} with this object cache on top, at most {@code
   * maxEntries} values per task.
   */
  public static <K, V> StoreBuilder<KeyValueStore<K, V>> builder(
      String name, Serde<K> keySerde, Serde<V> valueSerde, int maxEntries) {
    StoreBuilder<KeyValueStore<K, V>> below =
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), keySerde, valueSerde)
            .withCachingDisabled();
    return new Builder<>(below, maxEntries);
  }

  /**
   * The store under what {@code ProcessorContext#getStateStore} returns for {@code name}: Kafka
   * Streams hands processors a decorator around the store it built.
   */
  public static <K, V> ObjectCacheStore<K, V> of(ProcessorContext<?, ?> context, String name) {
    StateStore store = context.getStateStore(name);
    while (!(store instanceof ObjectCacheStore) && store instanceof WrappedStateStore<?, ?, ?> w) {
      store = w.wrapped();
    }
    if (!(store instanceof ObjectCacheStore<?, ?> cache)) {
      throw new IllegalStateException("state store " + name + " is not an object cache store");
    }
    @SuppressWarnings("unchecked")
    ObjectCacheStore<K, V> typed = (ObjectCacheStore<K, V>) cache;
    return typed;
  }

  /**
   * Calls {@code listener} with every changed value as it is written down: before each commit, when
   * evicted, and before a range or full read. The caller of {@link #of} that emits results at
   * commit, like Kafka Streams' cached aggregations do, sets it in its processor's init.
   */
  public void onWriteDown(BiConsumer<K, V> listener) {
    this.onWriteDown = listener;
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    entries.clear();
    super.init(context, root);
  }

  @Override
  public V get(K key) {
    Entry<V> entry = entries.get(key);
    if (entry != null) {
      return entry.value;
    }
    V value = wrapped().get(key);
    entries.put(key, new Entry<>(value, false));
    return value;
  }

  @Override
  public void put(K key, V value) {
    Entry<V> entry = entries.get(key);
    if (entry == null) {
      entries.put(key, new Entry<>(value, true));
    } else {
      entry.value = value;
      entry.dirty = true;
    }
  }

  @Override
  public V putIfAbsent(K key, V value) {
    V current = get(key);
    if (current == null) {
      put(key, value);
    }
    return current;
  }

  @Override
  public void putAll(List<KeyValue<K, V>> all) {
    for (KeyValue<K, V> kv : all) {
      put(kv.key, kv.value);
    }
  }

  @Override
  public V delete(K key) {
    V current = get(key);
    put(key, null);
    return current;
  }

  @Override
  public KeyValueIterator<K, V> range(K from, K to) {
    writeDown();
    return wrapped().range(from, to);
  }

  @Override
  public KeyValueIterator<K, V> reverseRange(K from, K to) {
    writeDown();
    return wrapped().reverseRange(from, to);
  }

  @Override
  public KeyValueIterator<K, V> all() {
    writeDown();
    return wrapped().all();
  }

  @Override
  public KeyValueIterator<K, V> reverseAll() {
    writeDown();
    return wrapped().reverseAll();
  }

  @Override
  public <PS extends Serializer<P>, P> KeyValueIterator<K, V> prefixScan(
      P prefix, PS prefixKeySerializer) {
    writeDown();
    return wrapped().prefixScan(prefix, prefixKeySerializer);
  }

  @Override
  public long approximateNumEntries() {
    writeDown();
    return wrapped().approximateNumEntries();
  }

  /** Called by the task before every commit. */
  @Override
  public void flushCache() {
    writeDown();
    super.flushCache();
  }

  /** Called when uncommitted work is thrown away. */
  @Override
  public void clearCache() {
    entries.clear();
    super.clearCache();
  }

  @Override
  public void close() {
    entries.clear();
    super.close();
  }

  private void writeDown() {
    for (Iterator<Map.Entry<K, Entry<V>>> it = entries.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<K, Entry<V>> e = it.next();
      writeDown(e.getKey(), e.getValue());
      if (e.getValue().value == null) {
        it.remove(); // a deleted key need not be remembered
      }
    }
  }

  private void writeDown(K key, Entry<V> entry) {
    if (!entry.dirty) {
      return;
    }
    entry.dirty = false;
    if (entry.value == null) {
      wrapped().delete(key);
    } else {
      wrapped().put(key, entry.value);
      onWriteDown.accept(key, entry.value);
    }
  }

  /** Builds the logged store below and this cache over it. */
  private static final class Builder<K, V> implements StoreBuilder<KeyValueStore<K, V>> {
    private final StoreBuilder<KeyValueStore<K, V>> below;
    private final int maxEntries;

    Builder(StoreBuilder<KeyValueStore<K, V>> below, int maxEntries) {
      this.below = below;
      this.maxEntries = maxEntries;
    }

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withCachingEnabled() {
      throw new UnsupportedOperationException("the object cache replaces the record cache");
    }

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withCachingDisabled() {
      return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withLoggingEnabled(Map<String, String> config) {
      below.withLoggingEnabled(config);
      return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withLoggingDisabled() {
      below.withLoggingDisabled();
      return this;
    }

    @Override
    public KeyValueStore<K, V> build() {
      return new ObjectCacheStore<>(below.build(), maxEntries);
    }

    @Override
    public Map<String, String> logConfig() {
      return below.logConfig();
    }

    @Override
    public boolean loggingEnabled() {
      return below.loggingEnabled();
    }

    @Override
    public String name() {
      return below.name();
    }
  }
}
