package io.kdx.analyzer.kernel;

/** A set of non-zero longs (addresses) with open addressing; for cycle detection in walks. */
public final class LongSet {
    private long[] table = new long[64];
    private int size;

    /** Adds {@code v} (non-zero); false when it was already there. */
    public boolean add(long v) {
        if (v == 0) throw new IllegalArgumentException("0");
        if (size * 2 >= table.length) grow();
        return insert(table, v);
    }

    public boolean contains(long v) {
        int m = table.length - 1;
        for (int i = mix(v) & m; ; i = (i + 1) & m) {
            long t = table[i];
            if (t == 0) return false;
            if (t == v) return true;
        }
    }

    public int size() {
        return size;
    }

    private boolean insert(long[] t, long v) {
        int m = t.length - 1;
        for (int i = mix(v) & m; ; i = (i + 1) & m) {
            if (t[i] == 0) {
                t[i] = v;
                if (t == table) size++;
                return true;
            }
            if (t[i] == v) return false;
        }
    }

    private void grow() {
        long[] old = table;
        table = new long[old.length * 2];
        for (long v : old) {
            if (v != 0) {
                int m = table.length - 1;
                int i = mix(v) & m;
                while (table[i] != 0) i = (i + 1) & m;
                table[i] = v;
            }
        }
    }

    private static int mix(long v) {
        long h = v * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
