package io.kdx.dump.elf;

import java.util.Arrays;

/**
 * PT_LOAD segments as sorted, non-overlapping physical runs in primitive arrays. Where segments overlap
 * (a kdump vmcore's kernel-text segment lies inside a RAM segment; QEMU -p maps a page several times),
 * the segment with the lower p_paddr wins, then the earlier program header: their bytes are the same
 * memory. Bytes of a run from {@code dataEnd} to {@code end} (p_filesz < p_memsz) read as zeros.
 */
final class ElfRuns {
    private final long[] start, end, dataEnd, fileOffset;
    private final int count;
    private final long fileEnd;

    private ElfRuns(long[] start, long[] end, long[] dataEnd, long[] fileOffset, int count, long fileEnd) {
        this.start = start;
        this.end = end;
        this.dataEnd = dataEnd;
        this.fileOffset = fileOffset;
        this.count = count;
        this.fileEnd = fileEnd;
    }

    int count() { return count; }
    long start(int i) { return start[i]; }
    long end(int i) { return end[i]; }
    long dataEnd(int i) { return dataEnd[i]; }
    /** File offset of the byte at {@link #start(int)}. */
    long fileOffset(int i) { return fileOffset[i]; }
    /** The highest file offset any run reads (the file is truncated when it is shorter). */
    long fileEnd() { return fileEnd; }

    /** Index of the first run that ends after {@code pa} if it starts before pa + something; -1 when none covers or follows pa. */
    int find(long pa) {
        // last run with start <= pa
        int lo = 0, hi = count - 1, r = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (start[mid] <= pa) { r = mid; lo = mid + 1; } else hi = mid - 1;
        }
        if (r >= 0 && end[r] > pa) return r;
        return r + 1 < count ? r + 1 : -1; // a run starting inside the page
    }

    static final class Builder {
        private long[] s = new long[16], m = new long[16], o = new long[16], f = new long[16];
        private int n;

        void add(long paddr, long memsz, long offset, long filesz) {
            if (n == s.length) {
                s = Arrays.copyOf(s, n * 2); m = Arrays.copyOf(m, n * 2);
                o = Arrays.copyOf(o, n * 2); f = Arrays.copyOf(f, n * 2);
            }
            s[n] = paddr; m[n] = memsz; o[n] = offset; f[n] = filesz;
            n++;
        }

        ElfRuns build() {
            Integer[] idx = new Integer[n];
            for (int i = 0; i < n; i++) idx[i] = i;
            Arrays.sort(idx, (a, b) -> s[a] != s[b] ? Long.compare(s[a], s[b]) : Integer.compare(a, b));
            long[] rs = new long[n], re = new long[n], rd = new long[n], ro = new long[n];
            int c = 0;
            long covered = 0, fileEnd = 0;
            for (int k = 0; k < n; k++) {
                int i = idx[k];
                long st = s[i], en = s[i] + m[i];
                long begin = Math.max(st, covered);
                if (begin >= en) continue;
                long skip = begin - st;
                rs[c] = begin;
                re[c] = en;
                rd[c] = st + f[i];
                ro[c] = o[i] + skip;
                if (rd[c] > begin) fileEnd = Math.max(fileEnd, o[i] + f[i]);
                c++;
                covered = en;
            }
            return new ElfRuns(rs, re, rd, ro, c, fileEnd);
        }
    }
}
