package io.kdx.symbols.elf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/** Little-endian unaligned accessors over memory segments (x86_64 ELF and DWARF are little-endian). */
public final class Bytes {
    public static final ValueLayout.OfByte U8 = ValueLayout.JAVA_BYTE;
    public static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    public static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    public static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;

    private Bytes() {}

    public static int u8(MemorySegment s, long off) {
        return s.get(U8, off) & 0xff;
    }

    public static int u16(MemorySegment s, long off) {
        return s.get(U16, off) & 0xffff;
    }

    public static long u32(MemorySegment s, long off) {
        return s.get(U32, off) & 0xffffffffL;
    }

    public static int i32(MemorySegment s, long off) {
        return s.get(U32, off);
    }

    public static long u64(MemorySegment s, long off) {
        return s.get(U64, off);
    }

    /** Length of the NUL-terminated string at {@code off}, bounded by the segment's end. */
    public static int strlen(MemorySegment s, long off) {
        long end = s.byteSize();
        long p = off;
        while (p < end && s.get(U8, p) != 0) p++;
        return (int) Math.min(Integer.MAX_VALUE, p - off);
    }

    /** The NUL-terminated string at {@code off} (UTF-8), bounded by the segment's end. */
    public static String cString(MemorySegment s, long off) {
        if (off < 0 || off >= s.byteSize()) return null;
        int n = strlen(s, off);
        byte[] b = new byte[n];
        MemorySegment.copy(s, U8, off, b, 0, n);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** 64-bit FNV-1a of the NUL-terminated string at {@code off}; allocates nothing. */
    public static long hashCString(MemorySegment s, long off) {
        long h = 0xcbf29ce484222325L;
        long end = s.byteSize();
        for (long p = off; p < end; p++) {
            byte b = s.get(U8, p);
            if (b == 0) break;
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return h;
    }

    /** The same hash of a Java string's UTF-8 bytes. */
    public static long hash(String name) {
        long h = 0xcbf29ce484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) h = (h ^ (b & 0xff)) * 0x100000001b3L;
        return h;
    }

    /** Whether the NUL-terminated string at {@code off} equals {@code utf8}. */
    public static boolean equalsCString(MemorySegment s, long off, byte[] utf8) {
        long end = s.byteSize();
        if (off < 0 || off + utf8.length >= end + 1) return false;
        for (int i = 0; i < utf8.length; i++) if (s.get(U8, off + i) != utf8[i]) return false;
        return off + utf8.length == end || s.get(U8, off + utf8.length) == 0;
    }
}
