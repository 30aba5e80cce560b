package io.retrace.archiver.writer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Test;

class ZstdPageCodecFactoryTest {
  private static final int PAGE = 64 << 10;

  @Test
  void pagesOfAnySizeDecompressWithParquetsOwnZstdDecompressor() throws IOException {
    ZstdPageCodecFactory factory = new ZstdPageCodecFactory(new Configuration(), PAGE, 3);
    CodecFactory parquet = new CodecFactory(new Configuration(), PAGE);
    CompressionCodecFactory.BytesInputCompressor zstd =
        factory.getCompressor(CompressionCodecName.ZSTD);
    CompressionCodecFactory.BytesInputDecompressor reader =
        parquet.getDecompressor(CompressionCodecName.ZSTD);
    // Sizes around the page size, and a dictionary page far larger, through one compressor.
    for (int size : new int[] {0, 1, 100, PAGE - 1, PAGE, PAGE + 1, 3 * PAGE, 1 << 20, 10}) {
      byte[] page = page(size);
      BytesInput compressed = zstd.compress(BytesInput.from(page));
      byte[] stored = compressed.toByteArray();
      assertThat(reader.decompress(BytesInput.from(stored), size).toByteArray())
          .as("page of %d bytes", size)
          .isEqualTo(page);
      if (size >= PAGE) {
        assertThat(stored.length).isLessThan(size / 4);
      }
    }
    factory.release();
    parquet.release();
  }

  @Test
  void otherCodecsAreParquetsOwn() {
    ZstdPageCodecFactory factory = new ZstdPageCodecFactory(new Configuration(), PAGE, 3);
    assertThat(factory.getCompressor(CompressionCodecName.ZSTD).getCodecName())
        .isEqualTo(CompressionCodecName.ZSTD);
    assertThat(factory.getCompressor(CompressionCodecName.SNAPPY).getCodecName())
        .isEqualTo(CompressionCodecName.SNAPPY);
    assertThat(factory.getCompressor(CompressionCodecName.UNCOMPRESSED).getCodecName())
        .isEqualTo(CompressionCodecName.UNCOMPRESSED);
    factory.release();
  }

  /** Compressible but not trivial: repeated words with random numbers, like a column's values. */
  private static byte[] page(int size) {
    Random random = new Random(size);
    StringBuilder text = new StringBuilder(size + 32);
    while (text.length() < size) {
      text.append("/orders/").append(random.nextInt(100_000)).append(" GET 200 ");
    }
    return text.substring(0, size).getBytes(StandardCharsets.US_ASCII);
  }
}
