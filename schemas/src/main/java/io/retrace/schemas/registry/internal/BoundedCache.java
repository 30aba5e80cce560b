package io.retrace.schemas.registry.internal;

import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A concurrent map with a size bound, for the schema, id and reader/writer caches of the registry
 * client and the serde. Reads are lock-free so that a hot serialization path pays only a hash
 * lookup.
 *
 * <p>When full, an arbitrary entry is evicted rather than the least recently used one: the working
 * set of schemas is tiny, the bound only protects memory against unbounded growth (one subject per
 * topic), and an LRU would put a lock on every read. Under concurrent inserts the size may briefly
 * exceed the bound by the number of inserting threads.
 */
public final class BoundedCache<K, V> {
  private final int maxEntries;
  private final ConcurrentHashMap<K, V> map = new ConcurrentHashMap<>();

  /**
   * @param maxEntries the most entries kept; at least 1
   */
  public BoundedCache(int maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be at least 1: " + maxEntries);
    }
    this.maxEntries = maxEntries;
  }

  /** The cached value, or null. */
  public V get(K key) {
    return map.get(key);
  }

  /** Caches {@code value}, evicting another entry when the cache is full. */
  public void put(K key, V value) {
    if (map.size() >= maxEntries && !map.containsKey(key)) {
      Iterator<K> keys = map.keySet().iterator();
      if (keys.hasNext()) {
        keys.next();
        keys.remove();
      }
    }
    map.put(key, value);
  }

  /**
   * The cached value, or the loader's value which is then cached. The loader runs outside any lock
   * (it may make a network call), so two threads missing at once may both run it.
   */
  public V get(K key, Function<? super K, ? extends V> loader) {
    V value = map.get(key);
    if (value == null) {
      value = loader.apply(key);
      put(key, value);
    }
    return value;
  }

  /** The number of entries. */
  public int size() {
    return map.size();
  }
}
