package io.retrace.agent.capture;

import java.lang.ref.WeakReference;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A map from objects the agent does not own (a driver's statements) to the agent's state about
 * them, by identity and weakly: it never calls the keys' {@code hashCode}/{@code equals} (driver
 * code, and not necessarily identity), and it never keeps a key reachable. Thread safe; every
 * operation holds the map's lock for a few dozen nanoseconds.
 *
 * <p>Replaces a {@code Collections.synchronizedMap(new WeakHashMap<>())} that the JDBC hooks
 * consulted on every {@code setXxx}: its {@code computeIfAbsent} hashed twice, called the key's
 * {@code hashCode}, and polled its reference queue on every call. A service that prepares a
 * statement per request makes a weak reference per request; registered with a queue, each one is
 * also enqueued by the JDK's reference handler thread and polled under the queue's lock (~1 µs a
 * request in the order service's profile). Here the references have no queue: entries whose keys
 * were collected are dropped when the table fills up and is rebuilt.
 *
 * <p>Bounded: the table holds at most three quarters of its capacity in entries, live or not, and
 * doubles only when at least half of them are live (not yet collected), so its capacity stays
 * within four times the most keys not yet collected at once (64 at least). Values must not refer to
 * their key, or it stays reachable; a collected key's value is held until the next rebuild.
 */
final class WeakIdentityMap<K, V> {
  private static final int INITIAL_CAPACITY = 64;

  private Entry<K, V>[] table = newTable(INITIAL_CAPACITY);
  private int size;

  /**
   * The entry found or added last. A statement is prepared, given its parameters and executed in a
   * row on one thread, and the table is large and cold (a service that prepares a statement per
   * request fills it between collections), so most lookups are for this entry and a walk of the
   * table costs cache misses.
   */
  private Entry<K, V> recent;

  private static final class Entry<K, V> extends WeakReference<K> {
    final int hash;
    final V value;
    Entry<K, V> next;

    Entry(K key, int hash, V value, Entry<K, V> next) {
      super(key);
      this.hash = hash;
      this.value = value;
      this.next = next;
    }
  }

  @SuppressWarnings("unchecked")
  private static <K, V> Entry<K, V>[] newTable(int capacity) {
    return (Entry<K, V>[]) new Entry<?, ?>[capacity];
  }

  private static int hash(Object key) {
    int h = System.identityHashCode(key);
    return h ^ (h >>> 16);
  }

  /** The value for {@code key}, or null. */
  synchronized V get(K key) {
    if (key == null) {
      return null; // would match an entry whose key was collected
    }
    Entry<K, V> r = recent;
    if (r != null && r.get() == key) {
      return r.value;
    }
    int h = hash(key);
    Entry<K, V>[] t = table;
    for (Entry<K, V> e = t[h & (t.length - 1)]; e != null; e = e.next) {
      if (e.hash == h && e.get() == key) {
        recent = e;
        return e.value;
      }
    }
    return null;
  }

  /** The value for {@code key}, made by {@code factory} and kept if there is none. */
  synchronized V computeIfAbsent(K key, Supplier<? extends V> factory) {
    Objects.requireNonNull(key, "key");
    V found = get(key);
    if (found != null) {
      return found;
    }
    if (size >= table.length - (table.length >>> 2)) {
      rebuild();
    }
    V value = factory.get();
    int h = hash(key);
    int i = h & (table.length - 1);
    Entry<K, V> added = new Entry<>(key, h, value, table[i]);
    table[i] = added;
    recent = added;
    size++;
    return value;
  }

  /** How many entries are held, including those whose keys were collected but not yet dropped. */
  synchronized int size() {
    return size;
  }

  /** Drops the entries of collected keys; doubles the table if half of it or more is live. */
  private void rebuild() {
    Entry<K, V>[] old = table;
    int live = 0;
    for (Entry<K, V> head : old) {
      for (Entry<K, V> e = head; e != null; e = e.next) {
        if (e.get() != null) {
          live++;
        }
      }
    }
    int capacity = live >= old.length >>> 1 ? old.length << 1 : old.length;
    Entry<K, V>[] t = newTable(capacity);
    for (Entry<K, V> head : old) {
      Entry<K, V> e = head;
      while (e != null) {
        Entry<K, V> next = e.next;
        if (e.get() != null) {
          int i = e.hash & (capacity - 1);
          e.next = t[i];
          t[i] = e;
        } else {
          e.next = null;
          size--;
        }
        e = next;
      }
    }
    table = t;
  }
}
