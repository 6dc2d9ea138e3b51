package io.kdx.dump.codec;

/** The per-page compression flags of a kdump page descriptor (and of the header's status word). */
public final class PageCodec {
    public static final int ZLIB = 0x1, LZO = 0x2, SNAPPY = 0x4, ZSTD = 0x20;
    public static final int ANY = ZLIB | LZO | SNAPPY | ZSTD;

    private PageCodec() {}

    public static String name(int flags) {
        int c = flags & ANY;
        if (c == 0) return "none";
        if (Integer.bitCount(c) > 1) return "mixed";
        return switch (c) {
            case ZLIB -> "zlib";
            case LZO -> "lzo";
            case SNAPPY -> "snappy";
            default -> "zstd";
        };
    }
}
