package io.retrace.agent.bootstrap;

/**
 * The one class every piece of advice reads first. It lives in the bootstrap class loader, so
 * advice called from JDK classes ({@code UUID}, {@code Instant}) can see it. Outside a recording
 * the whole cost of an intercepted call is the single volatile read of {@link #mode}.
 */
public final class Dispatch {
  public static final int OFF = 0;
  public static final int RECORD = 1;
  public static final int REPLAY = 2;

  /** OFF, RECORD or REPLAY. Written by the agent when a trigger fires; read by every advice. */
  public static volatile int mode = OFF;

  /** The agent's implementation; set before {@link #mode} leaves OFF. */
  public static volatile Hooks hooks = Hooks.NONE;

  private static final ThreadLocal<int[]> SUPPRESSED = ThreadLocal.withInitial(() -> new int[1]);

  private Dispatch() {}

  /**
   * Enters agent code on this thread; returns false when the thread is already inside agent code
   * (or is one of the agent's own threads), in which case the caller must not record. Pair every
   * true with {@link #exit()}.
   */
  public static boolean enter() {
    int[] depth = SUPPRESSED.get();
    if (depth[0] != 0) {
      return false;
    }
    depth[0] = 1;
    return true;
  }

  public static void exit() {
    SUPPRESSED.get()[0] = 0;
  }

  /** Marks the calling thread as the agent's own: nothing it does is ever recorded. */
  public static void suppressCurrentThread() {
    SUPPRESSED.get()[0] = Integer.MIN_VALUE;
  }
}
