package io.kdx.dump.codec;

import io.airlift.compress.lzo.LzoDecompressor;
import io.airlift.compress.snappy.SnappyDecompressor;
import io.airlift.compress.zstd.ZstdDecompressor;
import com.github.luben.zstd.ZstdDecompressCtx;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * One thread's decompression state, reused for every page: an {@link Inflater} (zlib with its header,
 * as makedumpfile's and QEMU's compress2() write it) that is reset rather than re-created, the LZO1X,
 * snappy and zstd block decoders, and the input and output scratch buffers. Obtain it with
 * {@link #get(int)}; never share one between threads.
 *
 * <p>Codecs were chosen by JMH on 4 KiB kernel pages (benchmarks/README.md): aircompressor for LZO (the
 * only candidate) and snappy (faster than snappy-java's JNI call on one page), zstd-jni for zstd (about
 * ten times aircompressor's Java zstd on one page); aircompressor's zstd stays as the fallback when the
 * native library cannot load.
 */
public final class PageDecompressor {
    private static final ThreadLocal<PageDecompressor> LOCAL = new ThreadLocal<>();

    private final Inflater inflater = new Inflater(false);
    private final LzoDecompressor lzo = new LzoDecompressor();
    private final SnappyDecompressor snappy = new SnappyDecompressor();
    private final ZstdDecompressor zstd = new ZstdDecompressor();
    private ZstdDecompressCtx zstdNative; // loaded at the first zstd page: other dumps never load the library
    private boolean zstdTried;
    private final int pageSize;
    public final byte[] in;
    /** One byte longer than a page, so that a page that decompresses too long is seen. */
    public final byte[] out;

    private PageDecompressor(int pageSize) {
        this.pageSize = pageSize;
        in = new byte[2 * pageSize];
        out = new byte[pageSize + 1];
    }

    /** This thread's decompressor for pages of {@code pageSize} bytes. */
    public static PageDecompressor get(int pageSize) {
        PageDecompressor d = LOCAL.get();
        if (d == null || d.pageSize != pageSize) {
            d = new PageDecompressor(pageSize);
            LOCAL.set(d);
        }
        return d;
    }

    /**
     * Decompresses {@code in[0, length)} compressed with {@code codec} (a {@link PageCodec} flag) into
     * {@link #out}. Returns the number of bytes produced, or -1 when the data is corrupt or would
     * produce more than one page.
     */
    public int decompress(int codec, int length) {
        try {
            return switch (codec) {
                case PageCodec.ZLIB -> inflate(length);
                case PageCodec.LZO -> lzo.decompress(in, 0, length, out, 0, out.length);
                case PageCodec.SNAPPY -> snappyLength(length) > out.length ? -1 : snappy.decompress(in, 0, length, out, 0, out.length);
                case PageCodec.ZSTD -> zstd(length);
                default -> -1;
            };
        } catch (RuntimeException e) { // aircompressor's MalformedInputException, or an index fault on corrupt input
            return -1;
        }
    }

    private int zstd(int length) {
        if (!zstdTried) {
            zstdTried = true;
            zstdNative = nativeZstd();
        }
        return zstdNative != null
                ? zstdNative.decompressByteArray(out, 0, out.length, in, 0, length)
                : zstd.decompress(in, 0, length, out, 0, out.length);
    }

    private static ZstdDecompressCtx nativeZstd() {
        if (Boolean.getBoolean("kdx.dump.javaZstd")) return null;
        try {
            return new ZstdDecompressCtx();
        } catch (LinkageError | RuntimeException e) { // no native library for this platform
            return null;
        }
    }

    private int snappyLength(int length) {
        return length == 0 ? Integer.MAX_VALUE : SnappyDecompressor.getUncompressedLength(in, 0);
    }

    private int inflate(int length) {
        inflater.reset();
        inflater.setInput(in, 0, length);
        try {
            int n = inflater.inflate(out, 0, out.length);
            if (!inflater.finished()) return -1; // needs more output than one page, or input ended early
            return n;
        } catch (DataFormatException e) {
            return -1;
        }
    }
}
