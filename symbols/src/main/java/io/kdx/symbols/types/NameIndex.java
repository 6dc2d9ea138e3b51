package io.kdx.symbols.types;

import io.kdx.symbols.elf.Bytes;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * Name to key, per category, as an open-addressing table in five primitive columns (hash u64,
 * value u64, aux u64, name reference u64, category u8); slot order is (hash ^ category mix) & mask,
 * value 0 with category 0 marks an empty slot. Names are compared on lookup through the owner's
 * {@link Names}, so a missing name never matches; two distinct names with equal 64-bit FNV-1a hashes
 * in one category would merge at build time (odds about 1e-7 for a kernel's names).
 */
public final class NameIndex {
    public static final int STRUCT = 1, UNION = 2, ENUM = 3, TYPEDEF = 4, BASE = 5, VARIABLE = 6, ENUMERATOR = 7,
            STRUCT_DECL = 8, UNION_DECL = 9, ENUM_DECL = 10, VARIABLE_DECL = 11;

    /** Resolves a name reference to compare it with a looked-up name. */
    public interface Names {
        boolean equals(long nameRef, byte[] utf8);
    }

    private final MemorySegment hashes, values, aux, nameRefs, cats;
    private final int mask;
    private final Names names;

    public NameIndex(MemorySegment hashes, MemorySegment values, MemorySegment aux, MemorySegment nameRefs, MemorySegment cats, Names names) {
        this.hashes = hashes;
        this.values = values;
        this.aux = aux;
        this.nameRefs = nameRefs;
        this.cats = cats;
        this.mask = (int) cats.byteSize() - 1;
        this.names = names;
    }

    public MemorySegment hashes() { return hashes; }
    public MemorySegment values() { return values; }
    public MemorySegment aux() { return aux; }
    public MemorySegment nameRefs() { return nameRefs; }
    public MemorySegment cats() { return cats; }

    static int slot(long hash, int cat) {
        long h = hash ^ (cat * 0x9e3779b97f4a7c15L);
        return (int) (h ^ (h >>> 29));
    }

    /** Slot holding {@code name} in {@code cat}, or -1. */
    public int find(int cat, String name) {
        if (mask < 0) return -1;
        long h = Bytes.hash(name);
        byte[] utf8 = null;
        for (int s = slot(h, cat) & mask, probes = 0; probes <= mask; s = (s + 1) & mask, probes++) {
            int c = cats.get(Bytes.U8, s);
            if (c == 0) return -1;
            if (c == cat && Bytes.u64(hashes, (long) s * 8) == h) {
                if (utf8 == null) utf8 = name.getBytes(StandardCharsets.UTF_8);
                if (names.equals(Bytes.u64(nameRefs, (long) s * 8), utf8)) return s;
            }
        }
        return -1;
    }

    public long value(int slot) { return Bytes.u64(values, (long) slot * 8); }
    public long aux(int slot) { return Bytes.u64(aux, (long) slot * 8); }
    public long nameRef(int slot) { return Bytes.u64(nameRefs, (long) slot * 8); }
    public int category(int slot) { return cats.get(Bytes.U8, slot); }
    public int slots() { return mask + 1; }

    /** Builds a table; first insertion of a (category, hash) wins. */
    public static final class Builder {
        private long[] h, v, a, r;
        private byte[] c;
        private int size;

        public Builder(int expected) {
            int n = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
            alloc(n);
        }

        private void alloc(int n) {
            h = new long[n];
            v = new long[n];
            a = new long[n];
            r = new long[n];
            c = new byte[n];
        }

        public int size() {
            return size;
        }

        /** Inserts unless the category already holds that name hash; returns whether it inserted. */
        public boolean add(int cat, long hash, long value, long auxValue, long nameRef) {
            return put(cat, hash, value, auxValue, nameRef) < 0;
        }

        /**
         * Inserts unless the category already holds that name hash: -1 when it inserted, else the slot
         * of the entry already there (valid until the next insertion), for {@link #auxAt}/{@link #setAux}.
         */
        public int put(int cat, long hash, long value, long auxValue, long nameRef) {
            if ((size + 1) * 2 > c.length) grow();
            int mask = c.length - 1;
            for (int s = slot(hash, cat) & mask; ; s = (s + 1) & mask) {
                if (c[s] == 0) {
                    c[s] = (byte) cat;
                    h[s] = hash;
                    v[s] = value;
                    a[s] = auxValue;
                    r[s] = nameRef;
                    size++;
                    return -1;
                }
                if (c[s] == cat && h[s] == hash) return s;
            }
        }

        public long auxAt(int slot) {
            return a[slot];
        }

        public void setAux(int slot, long auxValue) {
            a[slot] = auxValue;
        }

        /** Whether a name hash is present in a category. */
        public boolean contains(int cat, long hash) {
            int mask = c.length - 1;
            for (int s = slot(hash, cat) & mask; ; s = (s + 1) & mask) {
                if (c[s] == 0) return false;
                if (c[s] == cat && h[s] == hash) return true;
            }
        }

        private void grow() {
            long[] oh = h, ov = v, oa = a, or = r;
            byte[] oc = c;
            alloc(oc.length * 2);
            size = 0;
            for (int i = 0; i < oc.length; i++) if (oc[i] != 0) add(oc[i], oh[i], ov[i], oa[i], or[i]);
        }

        /** Visits every entry: (category, hash, value, aux, nameRef). */
        public void forEach(EntryVisitor visitor) {
            for (int i = 0; i < c.length; i++) if (c[i] != 0) visitor.visit(c[i], h[i], v[i], a[i], r[i]);
        }

        public NameIndex build(Names names) {
            return new NameIndex(MemorySegment.ofArray(h), MemorySegment.ofArray(v), MemorySegment.ofArray(a),
                    MemorySegment.ofArray(r), MemorySegment.ofArray(c), names);
        }
    }

    public interface EntryVisitor {
        void visit(int cat, long hash, long value, long aux, long nameRef);
    }
}
