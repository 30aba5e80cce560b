package io.retrace.agent.publish;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.nio.ByteBuffer;
import org.apache.avro.file.Codec;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileConstants;

/**
 * Avro's {@code zstandard} block codec, writing only, with one compression context and one output
 * array reused for every block. Avro's own codec opens a new {@code ZstdOutputStream} (a context
 * and its buffers) per block, which on the order service's events cost twice the time per byte; the
 * block is a standard zstd frame either way, so every Avro reader with zstd support (Avro with
 * {@code zstd-jni}, fastavro, Spark) reads the file.
 *
 * <p>zstd-jni is not relocated in the agent jar (JNI binds its native methods to their class
 * names): {@link io.retrace.agent.AgentClassLoader} loads it beside the rest of the agent, out of
 * the application's sight, and its native library is unpacked to a temporary file of its own, so an
 * application with its own zstd-jni is not affected. Where that library cannot load or its first
 * block fails, constructing this codec throws, and {@link FileSink} falls back to deflate.
 */
final class ZstdBlockCodec extends Codec implements AutoCloseable {
  private final int level;
  private final ZstdCompressCtx context;
  private byte[] out = new byte[0];

  /**
   * Loads the native library on first use, and compresses a first block: throws a {@link
   * LinkageError} where the library cannot load or lacks a method (one of another version, named by
   * the application's {@code -DZstdNativePath}), or the block's exception, so that no block of the
   * file fails later.
   */
  ZstdBlockCodec(int level) {
    this.level = level;
    this.context = new ZstdCompressCtx();
    try {
      context.setLevel(level);
      compress(ByteBuffer.wrap(new byte[] {'r', 'e', 't', 'r', 'a', 'c', 'e'}));
    } catch (LinkageError | RuntimeException e) {
      try {
        context.close();
      } catch (LinkageError | RuntimeException alsoBroken) {
        e.addSuppressed(alsoBroken);
      }
      throw e;
    }
  }

  /**
   * Whether the agent's class loader may load a native library without the JVM printing a warning
   * on the application's console: always before Java 24, where JNI became restricted (JEP 472), and
   * then only with {@code --enable-native-access=ALL-UNNAMED}. The agent never prints into the
   * application's output.
   */
  static boolean nativeAccessEnabled() {
    if (Runtime.version().feature() < 24) {
      return true;
    }
    try {
      Module agent = ZstdBlockCodec.class.getModule();
      return (Boolean) Module.class.getMethod("isNativeAccessEnabled").invoke(agent);
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }

  /** A factory that hands out this codec (a data file writer asks it once). */
  CodecFactory factory() {
    return new CodecFactory() {
      @Override
      protected Codec createInstance() {
        return ZstdBlockCodec.this;
      }
    };
  }

  @Override
  public String getName() {
    return DataFileConstants.ZSTANDARD_CODEC;
  }

  /**
   * Compresses a block, which Avro's writer hands over as a wrapped array; the result is valid
   * until the next call.
   */
  @Override
  public ByteBuffer compress(ByteBuffer block) {
    int length = block.remaining();
    int bound = (int) Zstd.compressBound(length);
    if (out.length < bound) {
      out = new byte[bound];
    }
    int written =
        context.compressByteArray(
            out, 0, out.length, block.array(), block.arrayOffset() + block.position(), length);
    return ByteBuffer.wrap(out, 0, written);
  }

  @Override
  public ByteBuffer decompress(ByteBuffer compressed) {
    throw new UnsupportedOperationException("the file sink's codec only writes");
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ZstdBlockCodec z && z.level == level;
  }

  @Override
  public int hashCode() {
    return Integer.hashCode(level);
  }

  /** Frees the native context. */
  @Override
  public void close() {
    context.close();
  }
}
