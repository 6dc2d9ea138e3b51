package io.kdx.bench.dump;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdDecompressCtx;
import io.airlift.compress.lzo.LzoCompressor;
import io.airlift.compress.lzo.LzoDecompressor;
import io.airlift.compress.snappy.SnappyDecompressor;
import io.airlift.compress.zstd.ZstdDecompressor;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.Blackhole;
import org.xerial.snappy.Snappy;

/**
 * Raw page decompression speed of each candidate codec, one 4 KiB page per operation (MB/s = ops/s x
 * 4096 / 10^6), on the same pages. Data compressed as makedumpfile writes it: zlib with its header
 * (compress2), LZO1X-1, raw snappy, one zstd frame per page.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class CodecBench {
    static final int N = 1024, PAGE = Corpus.PAGE;

    @Param({"zlib-inflater", "lzo-aircompressor", "lzo-kdx", "snappy-aircompressor", "snappy-java", "zstd-aircompressor", "zstd-jni"})
    public String codec;

    byte[][] packed;
    int[] lengths;
    final byte[] out = new byte[PAGE + 1];
    int i;
    Inflater inflater;
    LzoDecompressor lzo;
    SnappyDecompressor snappy;
    ZstdDecompressor zstd;
    ZstdDecompressCtx zstdCtx;

    @Setup
    public void setup() throws Exception {
        byte[][] pages = Corpus.pages(N);
        packed = new byte[N][];
        for (int k = 0; k < N; k++) packed[k] = compress(codec.substring(0, codec.indexOf('-')), pages[k]);
        inflater = new Inflater();
        lzo = new LzoDecompressor();
        snappy = new SnappyDecompressor();
        zstd = new ZstdDecompressor();
        zstdCtx = new ZstdDecompressCtx();
        long total = 0;
        for (byte[] p : packed) total += p.length;
        System.out.printf("%n%s: %d pages, compressed to %.1f%%%n", codec, N, 100.0 * total / ((long) N * PAGE));
    }

    static byte[] compress(String c, byte[] page) throws Exception {
        byte[] o = new byte[2 * PAGE + 64];
        int n;
        switch (c) {
            case "zlib" -> {
                Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION);
                d.setInput(page);
                d.finish();
                n = d.deflate(o);
                d.end();
            }
            case "lzo" -> n = new LzoCompressor().compress(page, 0, PAGE, o, 0, o.length);
            case "snappy" -> n = Snappy.compress(page, 0, PAGE, o, 0);
            case "zstd" -> n = (int) Zstd.compressByteArray(o, 0, o.length, page, 0, PAGE, 1);
            default -> throw new IllegalArgumentException(c);
        }
        return Arrays.copyOf(o, n);
    }

    @Benchmark
    public int decompressPage(Blackhole bh) throws Exception {
        byte[] in = packed[i];
        i = (i + 1) & (N - 1);
        int n = switch (codec) {
            case "zlib-inflater" -> {
                inflater.reset();
                inflater.setInput(in);
                yield inflater.inflate(out, 0, out.length);
            }
            case "lzo-aircompressor" -> lzo.decompress(in, 0, in.length, out, 0, out.length);
            case "lzo-kdx" -> io.kdx.dump.codec.Lzo1x.decompress(in, 0, in.length, out, 0, out.length);
            case "snappy-aircompressor" -> snappy.decompress(in, 0, in.length, out, 0, out.length);
            case "snappy-java" -> Snappy.uncompress(in, 0, in.length, out, 0);
            case "zstd-aircompressor" -> zstd.decompress(in, 0, in.length, out, 0, out.length);
            case "zstd-jni" -> zstdCtx.decompressByteArray(out, 0, out.length, in, 0, in.length);
            default -> throw new IllegalStateException();
        };
        if (n != PAGE) throw new IllegalStateException(codec + " gave " + n + " bytes");
        bh.consume(out);
        return n;
    }
}
