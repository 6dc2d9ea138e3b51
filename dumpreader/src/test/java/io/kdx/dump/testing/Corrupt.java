package io.kdx.dump.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/** Damage for tests: truncation, patched header fields, descriptors pointing astray, replaced page data. */
public final class Corrupt {
    private Corrupt() {}

    public static void truncate(Path p, long size) throws IOException {
        try (Out o = new Out(p, true)) {
            o.truncate(size);
        }
    }

    public static void putInt(Path p, long off, int v) throws IOException {
        try (Out o = new Out(p, true)) {
            o.putInt(off, v);
        }
    }

    public static void putShort(Path p, long off, int v) throws IOException {
        try (Out o = new Out(p, true)) {
            o.putShort(off, v);
        }
    }

    public static void putLong(Path p, long off, long v) throws IOException {
        try (Out o = new Out(p, true)) {
            o.putLong(off, v);
        }
    }

    private static long descriptor(Out o, int index) throws IOException {
        ByteBuffer h = ByteBuffer.wrap(o.read(0, 464)).order(ByteOrder.LITTLE_ENDIAN);
        int bs = h.getInt(428), sub = h.getInt(432), bm = h.getInt(436);
        return (long) bs * (1 + sub + bm) + 24L * index;
    }

    /** The pfn of descriptor {@code index} of a (non-split) kdump. */
    static long pfnOf(Out o, int index) throws IOException {
        ByteBuffer h = ByteBuffer.wrap(o.read(0, 464)).order(ByteOrder.LITTLE_ENDIAN);
        int bs = h.getInt(428), sub = h.getInt(432), bm = h.getInt(436);
        long half = (long) bm * bs / 2;
        byte[] dump = o.read((long) bs * (1 + sub) + half, (int) half);
        int seen = 0;
        for (long pfn = 0; pfn < half * 8; pfn++) {
            if ((dump[(int) (pfn >>> 3)] & (1 << (pfn & 7))) != 0 && seen++ == index) return pfn;
        }
        throw new IllegalArgumentException("no descriptor " + index);
    }

    /** Points descriptor {@code index} past the end of the file; returns its pfn. */
    public static long descriptorOffsetPastEnd(Path k, int index) throws IOException {
        try (Out o = new Out(k, true)) {
            o.putLong(descriptor(o, index), o.size() + 4096);
            return pfnOf(o, index);
        }
    }

    /** Appends {@code data} and points descriptor {@code index} at it with {@code flags}; returns its pfn. */
    public static long replacePageData(Path k, int index, byte[] data, int flags) throws IOException {
        try (Out o = new Out(k, true)) {
            long end = o.size();
            o.put(end, data);
            long d = descriptor(o, index);
            o.putLong(d, end);
            o.putInt(d + 8, data.length);
            o.putInt(d + 12, flags);
            return pfnOf(o, index);
        }
    }
}
