package io.kdx.analyzer.dumpsymbols;

import io.kdx.symbols.SymbolHit;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * kallsyms answered without decoding it whole, where the kernel keeps kallsyms_seqs_of_names (6.2,
 * "kallsyms: Improve the performance of kallsyms_lookup_name()", and stable backports such as Debian's 6.1.192): the symbol numbers sorted
 * by name, 3 bytes each, big-endian. A name is found by a binary search that decodes about 17
 * names; an address by a binary search of kallsyms_offsets and one name. The names and offsets are
 * read once, with every 256th symbol placed while they are checked (as kallsyms_markers does).
 * Preference among equal names or equal addresses follows the vmlinux table's: global, then weak,
 * then local, then the lower symbol number.
 */
final class LazyKallsyms implements KallsymsTable {
    private final int n;
    private final byte[] names, tokens, seqs;
    private final int[] tokStart, tokEnd, markers;
    private final ByteBuffer offs;
    private final boolean absPercpu;
    private final long relBase, kaslr;

    private LazyKallsyms(Kallsyms.Parts parts, byte[] seqs, long kaslr) {
        this.n = parts.count();
        this.names = parts.names();
        this.tokens = parts.tokens();
        this.tokStart = parts.tokStart();
        this.tokEnd = parts.tokEnd();
        this.offs = parts.offsets();
        this.seqs = seqs;
        this.absPercpu = parts.absolutePercpu();
        this.relBase = parts.relativeBase();
        this.kaslr = kaslr;
        this.markers = parts.markers();
    }

    /**
     * The lazy table when the kernel has kallsyms_seqs_of_names where the two layouts put it (between
     * the markers and the token table up to 6.3; after kallsyms_relative_base from 6.4) and it sorts
     * the names it points at; else null.
     */
    static LazyKallsyms open(ImageMemory img, Kallsyms.Tables t, Kallsyms.Parts parts, long kaslr) {
        int n = parts.count();
        long before = (t.tokenTable() - 3L * n) & ~7L, after = (t.relativeBase() + 8 + 7) & ~7L;
        for (long s : new long[] {before, after}) {
            if (s == before && t.tokenTable() - (s + 3L * n) >= 8) continue;
            byte[] seqs;
            try {
                seqs = img.bytes(s, 3 * n);
            } catch (io.kdx.analyzer.kernel.MemoryFault f) {
                continue;
            }
            LazyKallsyms k = new LazyKallsyms(parts, seqs, kaslr);
            if (k.sorted()) return k;
        }
        return null;
    }

    /** The table over seqs this one found sorted for the same build (kept in a checksummed cache); null when they do not fit. */
    static LazyKallsyms kept(Kallsyms.Parts parts, byte[] seqs, long kaslr) {
        return seqs.length != 3 * parts.count() ? null : new LazyKallsyms(parts, seqs, kaslr);
    }

    /** kallsyms_seqs_of_names as read. */
    byte[] seqs() {
        return seqs;
    }

    /** Whether a sample of the seqs holds valid, name-sorted symbol numbers. */
    private boolean sorted() {
        byte[] prev = null;
        int step = Math.max(1, n / 512);
        for (int i = 0; i < n; i += step) {
            int s = seq(i);
            if (s < 0 || s >= n) return false;
            byte[] name = name(s);
            if (prev != null && Arrays.compareUnsigned(prev, name) > 0) return false;
            prev = name;
        }
        return true;
    }

    private int seq(int i) {
        return (seqs[3 * i] & 0xff) << 16 | (seqs[3 * i + 1] & 0xff) << 8 | seqs[3 * i + 2] & 0xff;
    }

    /** Symbol {@code i}'s expanded name, its type letter first. */
    private byte[] typedName(int i) {
        int p = markers[i >> 8];
        for (int k = i & ~255; k < i; k++) {
            int len = names[p++] & 0xff;
            if ((len & 0x80) != 0) len = (len & 0x7f) | ((names[p++] & 0xff) << 7);
            p += len;
        }
        int len = names[p++] & 0xff;
        if ((len & 0x80) != 0) len = (len & 0x7f) | ((names[p++] & 0xff) << 7);
        int size = 0;
        for (int j = 0; j < len; j++) size += tokEnd[names[p + j] & 0xff] - tokStart[names[p + j] & 0xff];
        byte[] out = new byte[size];
        int o = 0;
        for (int j = 0; j < len; j++) {
            int tok = names[p + j] & 0xff, l = tokEnd[tok] - tokStart[tok];
            System.arraycopy(tokens, tokStart[tok], out, o, l);
            o += l;
        }
        return out;
    }

    private byte[] name(int i) {
        byte[] t = typedName(i);
        return t.length == 0 ? t : Arrays.copyOfRange(t, 1, t.length);
    }

    private int rank(int i) {
        byte[] t = typedName(i);
        return Kallsyms.rank(t.length == 0 ? '?' : (char) t[0]);
    }

    /** Link-time address of symbol {@code i} (per-CPU ones as they are). */
    private long addressOf(int i) {
        int o = offs.getInt(4 * i);
        if (absPercpu) return o >= 0 ? o : relBase - 1 - o - kaslr;
        return relBase + (o & 0xffff_ffffL) - kaslr;
    }

    @Override
    public long address(String name) {
        byte[] want = name.getBytes(StandardCharsets.ISO_8859_1);
        int lo = 0, hi = n - 1, hit = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = Arrays.compareUnsigned(name(seq(mid)), want);
            if (c == 0) {
                hit = mid;
                break;
            }
            if (c < 0) lo = mid + 1;
            else hi = mid - 1;
        }
        if (hit < 0) return 0;
        int first = hit, last = hit;
        while (first > 0 && Arrays.equals(name(seq(first - 1)), want)) first--;
        while (last < n - 1 && Arrays.equals(name(seq(last + 1)), want)) last++;
        int best = -1, bestRank = Integer.MAX_VALUE;
        for (int i = first; i <= last; i++) {
            int s = seq(i), r = rank(s);
            if (r < bestRank || r == bestRank && s < best) {
                best = s;
                bestRank = r;
            }
        }
        return addressOf(best);
    }

    @Override
    public SymbolHit lookup(long address) {
        int lo = 0, hi = n - 1, found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(addressOf(mid), address) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (found < 0) return null;
        long start = addressOf(found);
        int first = found;
        while (first > 0 && addressOf(first - 1) == start) first--;
        int best = first, bestRank = rank(first);
        for (int i = first + 1; i <= found; i++) {
            int r = rank(i);
            if (r < bestRank) {
                best = i;
                bestRank = r;
            }
        }
        return new SymbolHit(new String(name(best), StandardCharsets.ISO_8859_1), start, 0, address - start);
    }

    @Override
    public int count() {
        return n;
    }

    /** In name order (kallsyms_seqs_of_names). */
    @Override
    public String nameAt(int i) {
        return new String(name(seq(i)), StandardCharsets.ISO_8859_1);
    }
}
