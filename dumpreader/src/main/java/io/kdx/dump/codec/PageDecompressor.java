package io.kdx.dump.codec;

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
 * <p>Codecs were chosen by JMH on 4 KiB kernel pages (benchmarks/README.md): our {@link Lzo1x} for LZO
 * (aircompressor's goes through sun.misc.Unsafe, which prints JVM warnings on JDK 24+), snappy-java for snappy (aircompressor's was faster on one page, but also uses Unsafe), zstd-jni for zstd (about
 * ten times aircompressor's Java zstd on one page); aircompressor's zstd stays as the fallback when the
 * native library cannot load.
 */
public final class PageDecompressor {
    private static final ThreadLocal<PageDecompressor> LOCAL = new ThreadLocal<>();

    private final Inflater inflater = new Inflater(false);
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
                case PageCodec.LZO -> Lzo1x.decompress(in, 0, length, out, 0, out.length);
                case PageCodec.SNAPPY -> snappy(length);
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

    /**
     * snappy-java (JNI, declared by the jar's Enable-Native-Access): aircompressor's snappy goes
     * through sun.misc.Unsafe and prints JVM warnings on JDK 24+. The native decoder writes at most the
     * length the stream declares, so that is checked against the page first.
     */
    private int snappy(int length) {
        try {
            if (length == 0 || org.xerial.snappy.Snappy.uncompressedLength(in, 0, length) > pageSize) return -1;
            return org.xerial.snappy.Snappy.uncompress(in, 0, length, out, 0);
        } catch (java.io.IOException e) {
            return -1;
        }
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
