package io.retrace.agent.capture;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A map from objects the agent does not own (a driver's statements) to the agent's state about
 * them, by identity and weakly: it never calls the keys' {@code hashCode}/{@code equals} (driver
 * code, and not necessarily identity), and an entry goes away once its key is unreachable. Thread
 * safe; every operation holds the map's lock for a few dozen nanoseconds.
 *
 * <p>Replaces a {@code Collections.synchronizedMap(new WeakHashMap<>())} that the JDBC hooks
 * consulted on every {@code setXxx}: its {@code computeIfAbsent} hashed twice, called the key's
 * {@code hashCode}, and drained the reference queue on every call.
 *
 * <p>Bounded: an entry per live key, plus those whose keys were collected since the last insertion
 * (each insertion first removes them); the table is sized for the most live keys seen at once.
 * Values must not refer to their key, or it stays reachable.
 */
final class WeakIdentityMap<K, V> {
  private static final int INITIAL_CAPACITY = 64;

  private final ReferenceQueue<K> collected = new ReferenceQueue<>();
  private Entry<K, V>[] table = newTable(INITIAL_CAPACITY);
  private int size;

  private static final class Entry<K, V> extends WeakReference<K> {
    final int hash;
    final V value;
    Entry<K, V> next;

    Entry(K key, int hash, V value, Entry<K, V> next, ReferenceQueue<K> queue) {
      super(key, queue);
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
    int h = hash(key);
    Entry<K, V>[] t = table;
    for (Entry<K, V> e = t[h & (t.length - 1)]; e != null; e = e.next) {
      if (e.hash == h && e.get() == key) {
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
    expungeCollected();
    if (size >= table.length - (table.length >>> 2)) {
      resize();
    }
    V value = factory.get();
    int h = hash(key);
    int i = h & (table.length - 1);
    table[i] = new Entry<>(key, h, value, table[i], collected);
    size++;
    return value;
  }

  /** Forgets {@code key}. */
  synchronized void remove(K key) {
    int h = hash(key);
    int i = h & (table.length - 1);
    Entry<K, V> prev = null;
    for (Entry<K, V> e = table[i]; e != null; prev = e, e = e.next) {
      if (e.hash == h && e.get() == key) {
        unlink(i, prev, e);
        e.clear(); // not enqueued afterwards: expungeCollected would look for it in vain
        return;
      }
    }
  }

  /** How many entries are held, including any whose keys were collected but not yet removed. */
  synchronized int size() {
    return size;
  }

  private void unlink(int index, Entry<K, V> prev, Entry<K, V> e) {
    if (prev == null) {
      table[index] = e.next;
    } else {
      prev.next = e.next;
    }
    size--;
  }

  private void expungeCollected() {
    for (Object ref; (ref = collected.poll()) != null; ) {
      @SuppressWarnings("unchecked")
      Entry<K, V> dead = (Entry<K, V>) ref;
      int i = dead.hash & (table.length - 1);
      Entry<K, V> prev = null;
      for (Entry<K, V> e = table[i]; e != null; prev = e, e = e.next) {
        if (e == dead) {
          unlink(i, prev, e);
          break;
        }
      }
    }
  }

  /** Doubles the table when a quarter of it is left, or just drops the dead if they free enough. */
  private void resize() {
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
          size--; // its enqueued reference finds no entry later: expungeCollected skips it
        }
        e = next;
      }
    }
    table = t;
  }
}
