package io.kdx.dump.io;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * Random access to the bytes of one dump file as its headers address them: a mapped file, or the
 * logical file that a flattened dump describes. Integers are little-endian (x86_64 and every dump
 * kdx reads today). Reads past {@link #size()} throw {@link IndexOutOfBoundsException}; callers
 * check bounds first and turn a fault into a {@link io.kdx.dump.DumpException}.
 */
public interface ByteSource {
    Path path();

    long size();

    long getLong(long offset);

    int getInt(long offset);

    byte getByte(long offset);

    void copy(long offset, byte[] dst, int dstOffset, int length);

    void copy(long offset, MemorySegment dst, long dstOffset, long length);

    /** True when [offset, offset+length) lies inside the source. */
    default boolean contains(long offset, long length) {
        return offset >= 0 && length >= 0 && offset <= size() - length;
    }

    /** Reads a NUL-terminated string of at most {@code max} bytes (ASCII/UTF-8). */
    default String cString(long offset, int max) {
        byte[] b = new byte[max];
        copy(offset, b, 0, max);
        int n = 0;
        while (n < max && b[n] != 0) n++;
        return new String(b, 0, n, java.nio.charset.StandardCharsets.UTF_8);
    }
}
