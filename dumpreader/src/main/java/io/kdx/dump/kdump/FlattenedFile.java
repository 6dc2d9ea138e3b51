package io.kdx.dump.kdump;

import io.kdx.dump.DumpException;
import io.kdx.dump.io.ByteSource;
import io.kdx.dump.io.MappedFile;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * makedumpfile's flattened format (-F, and QEMU's dump-guest-memory -z) read in place: a 4096-byte
 * header {"makedumpfile", i64 type, i64 version}, then records {i64 offset; i64 size; data}, header
 * integers big-endian, ended by offset = size = -1. The records are indexed once into sorted,
 * non-overlapping pieces of the logical (makedumpfile -R) file; where records overlap the later one
 * wins; bytes no record covers read as zeros, as in the sparse file -R would write.
 */
public final class FlattenedFile implements ByteSource {
    public static final int HEADER_SIZE = 4096;
    private static final byte[] SIGNATURE = "makedumpfile".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final MappedFile file;
    private final long[] start, end, fileOffset;
    private final int count;
    private final long size;
    private final boolean truncated;

    private FlattenedFile(MappedFile file, long[] start, long[] end, long[] fileOffset, int count, boolean truncated) {
        this.file = file;
        this.start = start;
        this.end = end;
        this.fileOffset = fileOffset;
        this.count = count;
        this.size = count == 0 ? 0 : end[count - 1];
        this.truncated = truncated;
    }

    public static boolean isFlattened(MappedFile f) {
        if (f.size() < SIGNATURE.length) return false;
        for (int i = 0; i < SIGNATURE.length; i++) if (f.getByte(i) != SIGNATURE[i]) return false;
        return true;
    }

    public static FlattenedFile index(MappedFile f) throws DumpException {
        Path p = f.path();
        if (f.size() < HEADER_SIZE) throw new DumpException(p, "truncated flattened-format header (" + f.size() + " bytes)");
        long type = f.getLongBE(16), version = f.getLongBE(24);
        if (type != 1) throw new DumpException(p, "flattened format of unknown type " + type);
        if (version != 1) throw new DumpException(p, "flattened format of unknown version " + version);
        long[] s = new long[64], e = new long[64], o = new long[64];
        int n = 0;
        boolean truncated = true, sorted = true;
        long pos = HEADER_SIZE;
        while (pos + 16 <= f.size()) {
            long off = f.getLongBE(pos), len = f.getLongBE(pos + 8);
            if (off == -1 && len == -1) {
                truncated = false;
                break;
            }
            if (off < 0 || len < 0 || off + len < off) {
                throw new DumpException(p, "flattened record at file offset " + pos + " is malformed (offset " + off + ", size " + len + ")");
            }
            if (len > f.size() - pos - 16) break; // the file ends inside this record's data
            if (n == s.length) {
                s = Arrays.copyOf(s, n * 2); e = Arrays.copyOf(e, n * 2); o = Arrays.copyOf(o, n * 2);
            }
            if (len > 0) {
                if (n > 0 && off < e[n - 1]) sorted = false;
                s[n] = off; e[n] = off + len; o[n] = pos + 16;
                n++;
            }
            pos += 16 + len;
        }
        if (!sorted) return resolve(f, s, e, o, n, truncated);
        return new FlattenedFile(f, s, e, o, n, truncated);
    }

    /** Records out of order: keep for every byte the last record that wrote it. */
    private static FlattenedFile resolve(MappedFile f, long[] s, long[] e, long[] o, int n, boolean truncated) {
        TreeMap<Long, long[]> pieces = new TreeMap<>(); // start -> {end, fileOffset}
        for (int i = 0; i < n; i++) {
            long a = s[i], b = e[i];
            Map.Entry<Long, long[]> lower = pieces.lowerEntry(a);
            if (lower != null && lower.getValue()[0] > a) { // split the piece that straddles a
                long[] v = lower.getValue();
                pieces.put(lower.getKey(), new long[] {a, v[1]});
                pieces.put(a, new long[] {v[0], v[1] + (a - lower.getKey())});
            }
            Map.Entry<Long, long[]> last = pieces.lowerEntry(b);
            if (last != null && last.getKey() >= a && last.getValue()[0] > b) { // keep the tail past b
                long[] v = last.getValue();
                pieces.put(b, new long[] {v[0], v[1] + (b - last.getKey())});
            }
            pieces.subMap(a, true, b, false).clear();
            pieces.put(a, new long[] {b, o[i]});
        }
        int c = pieces.size(), k = 0;
        long[] rs = new long[c], re = new long[c], ro = new long[c];
        for (Map.Entry<Long, long[]> en : pieces.entrySet()) {
            rs[k] = en.getKey(); re[k] = en.getValue()[0]; ro[k] = en.getValue()[1];
            k++;
        }
        return new FlattenedFile(f, rs, re, ro, c, truncated);
    }

    /** The file ended before the end-of-records marker. */
    public boolean truncated() {
        return truncated;
    }

    public int records() {
        return count;
    }

    @Override
    public Path path() {
        return file.path();
    }

    @Override
    public long size() {
        return size;
    }

    /** Index of the last piece starting at or before off, or -1. */
    private int find(long off) {
        int lo = 0, hi = count - 1, r = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (start[mid] <= off) { r = mid; lo = mid + 1; } else hi = mid - 1;
        }
        return r;
    }

    private void check(long offset, long length) {
        if (offset < 0 || length < 0 || offset > size - length) {
            throw new IndexOutOfBoundsException(path() + ": read of " + length + " bytes at " + offset + " past the end (" + size + ")");
        }
    }

    @Override
    public long getLong(long offset) {
        int i = find(offset);
        if (i >= 0 && offset + 8 <= end[i]) return file.getLong(fileOffset[i] + (offset - start[i]));
        check(offset, 8);
        long v = 0;
        for (int k = 7; k >= 0; k--) v = (v << 8) | (getByte(offset + k) & 0xff);
        return v;
    }

    @Override
    public int getInt(long offset) {
        int i = find(offset);
        if (i >= 0 && offset + 4 <= end[i]) return file.getInt(fileOffset[i] + (offset - start[i]));
        check(offset, 4);
        int v = 0;
        for (int k = 3; k >= 0; k--) v = (v << 8) | (getByte(offset + k) & 0xff);
        return v;
    }

    @Override
    public byte getByte(long offset) {
        check(offset, 1);
        int i = find(offset);
        if (i >= 0 && offset < end[i]) return file.getByte(fileOffset[i] + (offset - start[i]));
        return 0;
    }

    @Override
    public void copy(long offset, byte[] dst, int dstOffset, int length) {
        check(offset, length);
        int i = find(offset);
        if (i >= 0 && offset + length <= end[i]) {
            file.copy(fileOffset[i] + (offset - start[i]), dst, dstOffset, length);
            return;
        }
        Arrays.fill(dst, dstOffset, dstOffset + length, (byte) 0);
        forPieces(offset, length, (src, at, n) -> file.copy(src, dst, dstOffset + (int) at, (int) n));
    }

    @Override
    public void copy(long offset, MemorySegment dst, long dstOffset, long length) {
        check(offset, length);
        int i = find(offset);
        if (i >= 0 && offset + length <= end[i]) {
            file.copy(fileOffset[i] + (offset - start[i]), dst, dstOffset, length);
            return;
        }
        dst.asSlice(dstOffset, length).fill((byte) 0);
        forPieces(offset, length, (src, at, n) -> file.copy(src, dst, dstOffset + at, n));
    }

    private interface PieceCopy {
        void copy(long fileOffset, long at, long length);
    }

    private void forPieces(long offset, long length, PieceCopy c) {
        long stop = offset + length;
        int i = Math.max(find(offset), 0);
        for (; i < count && start[i] < stop; i++) {
            long a = Math.max(offset, start[i]), b = Math.min(stop, end[i]);
            if (a < b) c.copy(fileOffset[i] + (a - start[i]), a - offset, b - a);
        }
    }
}
