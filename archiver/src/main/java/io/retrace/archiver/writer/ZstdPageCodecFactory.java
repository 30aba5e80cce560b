package io.retrace.archiver.writer;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Parquet's codecs, except that ZSTD pages are compressed in one call with a reused native context.
 * Parquet's own ZSTD compressor opens a new ZSTD stream for every page, which allocates and clears
 * the compressor's tables each time: with 64 KB pages that was about a tenth of the encoding time.
 * The pages are ordinary ZSTD frames either way.
 *
 * <p>One instance per file writer, as Parquet expects ({@link #release} is called when the file
 * closes). Contexts are shared through a JVM-wide pool: a thread takes one for the length of a
 * page, so the pool holds at most as many as threads ever compressed at the same time (the encoding
 * threads), each about a megabyte of native memory at the default level.
 */
final class ZstdPageCodecFactory implements CompressionCodecFactory {
  private static final Queue<ZstdCompressCtx> CONTEXTS = new ConcurrentLinkedQueue<>();

  private final CodecFactory parquet;
  private final int level;
  private final ZstdPages zstd = new ZstdPages();

  ZstdPageCodecFactory(Configuration conf, int pageSize, int level) {
    this.parquet = new CodecFactory(conf, pageSize);
    this.level = level;
  }

  @Override
  public BytesInputCompressor getCompressor(CompressionCodecName codec) {
    return codec == CompressionCodecName.ZSTD ? zstd : parquet.getCompressor(codec);
  }

  @Override
  public BytesInputCompressor getCompressor(CompressionCodecName codec, int ignoredLevel) {
    // The level is the archiver's (compression.level), as with Parquet's own factory.
    return getCompressor(codec);
  }

  @Override
  public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
    return parquet.getDecompressor(codec);
  }

  @Override
  public void release() {
    parquet.release();
  }

  /** Compresses a page into a buffer of this file's, which Parquet copies before the next page. */
  private final class ZstdPages implements BytesInputCompressor {
    private final Input input = new Input();
    private byte[] output = new byte[0];

    @Override
    public BytesInput compress(BytesInput bytes) throws IOException {
      input.reset();
      bytes.writeAllTo(input);
      int bound = (int) Zstd.compressBound(input.size());
      if (output.length < bound) {
        output = new byte[bound];
      }
      ZstdCompressCtx ctx = CONTEXTS.poll();
      if (ctx == null) {
        ctx = new ZstdCompressCtx();
      }
      try {
        ctx.setLevel(level);
        int length =
            ctx.compressByteArray(output, 0, output.length, input.bytes(), 0, input.size());
        return BytesInput.from(output, 0, length);
      } finally {
        CONTEXTS.add(ctx);
      }
    }

    @Override
    public CompressionCodecName getCodecName() {
      return CompressionCodecName.ZSTD;
    }

    @Override
    public void release() {
      output = new byte[0];
    }
  }

  /** A byte sink whose array can be read without a copy. */
  private static final class Input extends ByteArrayOutputStream {
    Input() {
      super(64 << 10);
    }

    byte[] bytes() {
      return buf;
    }
  }
}
