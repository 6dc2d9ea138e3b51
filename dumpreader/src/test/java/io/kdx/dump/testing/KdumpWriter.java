package io.kdx.dump.testing;

import io.airlift.compress.lzo.LzoCompressor;
import io.airlift.compress.snappy.SnappyCompressor;
import io.airlift.compress.zstd.ZstdCompressor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.zip.Deflater;

/**
 * Writes a {@link Memory} as makedumpfile's compressed kdump: header block, sub-header (+ VMCOREINFO and
 * ELF notes), both bitmaps, page descriptors, the shared zero page, page data. Options: header version,
 * compression, dump level (bit 1: zero pages share the zero page, or leave the bitmap), the incomplete flag with lost descriptors,
 * QEMU's style (only utsname.machine, phys_base 0, QEMU notes), split parts, and the flattened form.
 */
public final class KdumpWriter {
    public static final int NONE = 0, ZLIB = 1, LZO = 2, SNAPPY = 4, ZSTD = 0x20;

    public int headerVersion = 6;
    public int compression = ZLIB;
    public int dumpLevel = 31;
    public boolean qemuStyle;
    public boolean incomplete;
    /** With {@link #incomplete}: descriptors from this index on are left zero (never written). */
    public long lostFromDescriptor = Long.MAX_VALUE;
    public long physBase = 0x1c000000L;
    public long timestamp = 1_700_000_000L;
    /**
     * makedumpfile 1.7.2 (cyclic mode) keeps zero pages in the dumpable bitmap and points them at the
     * shared zero page when -d has bit 1; its older non-cyclic mode cleared their bits instead (false).
     */
    public boolean zeroPagesInBitmap = true;

    public void write(Memory m, Path path) throws IOException {
        writePart(m, path, 0, m.maxPfn, false);
    }

    /** makedumpfile --split: {@code parts} files over equal pfn ranges. */
    public List<Path> writeSplit(Memory m, Path dir, String name, int parts) throws IOException {
        List<Path> out = new ArrayList<>();
        long step = (m.maxPfn + parts - 1) / parts;
        for (int i = 0; i < parts; i++) {
            Path p = dir.resolve(name + "." + (i + 1));
            writePart(m, p, i * step, Math.min(m.maxPfn, (i + 1) * step), true);
            out.add(p);
        }
        return out;
    }

    private boolean dumpable(Memory m, long pfn) {
        byte[] b = m.page(pfn);
        return b != null && !(!zeroPagesInBitmap && (dumpLevel & 1) != 0 && Memory.isZero(b));
    }

    private void writePart(Memory m, Path path, long start, long end, boolean split) throws IOException {
        int bs = m.pageSize;
        byte[] vi = m.vmcoreinfo == null ? new byte[0] : m.vmcoreinfo.getBytes(StandardCharsets.UTF_8);
        byte[] notes = headerVersion >= 4 ? Notes.build(m, qemuStyle) : new byte[0];
        long subLen = 104 + (headerVersion >= 3 ? vi.length : 0) + notes.length;
        int subHdrSize = (int) ((subLen + bs - 1) / bs);
        long bitmapBytes = ((m.maxPfn + 7) / 8 + bs - 1) / bs * bs;
        long bitmapBlocks = 2 * bitmapBytes / bs;
        long bitmapOff = (long) bs * (1 + subHdrSize);
        long descOff = bitmapOff + 2 * bitmapBytes;
        try (Out o = new Out(path)) {
            o.put(0, "KDUMP   ".getBytes(StandardCharsets.US_ASCII));
            o.putInt(8, headerVersion);
            String[] uts = qemuStyle ? new String[] {"", "", "", "", "x86_64", ""}
                    : new String[] {"Linux", "testhost", "6.1.0-test", "#1 SMP Debian 6.1.999-1", "x86_64", "(none)"};
            for (int i = 0; i < 6; i++) o.put(12 + 65L * i, uts[i].getBytes(StandardCharsets.US_ASCII));
            o.putLong(408, timestamp);
            o.putInt(424, compression | (incomplete ? 0x8 : 0));
            o.putInt(428, bs);
            o.putInt(432, subHdrSize);
            o.putInt(436, (int) bitmapBlocks);
            o.putInt(440, (int) Math.min(m.maxPfn, 0xffffffffL));
            o.putInt(460, m.cpus);
            long sub = bs;
            o.putLong(sub, qemuStyle ? 0 : physBase);
            o.putInt(sub + 8, dumpLevel);
            long extra = sub + 104;
            if (headerVersion >= 2) {
                o.putInt(sub + 12, split ? 1 : 0);
                o.putLong(sub + 16, split ? start : 0);
                o.putLong(sub + 24, split ? end : 0);
            }
            if (headerVersion >= 3 && vi.length > 0) {
                o.put(extra, vi);
                o.putLong(sub + 32, extra);
                o.putLong(sub + 40, vi.length);
                extra += vi.length;
            }
            if (headerVersion >= 4) {
                o.put(extra, notes);
                o.putLong(sub + 48, extra);
                o.putLong(sub + 56, notes.length);
            }
            if (headerVersion >= 6) {
                o.putLong(sub + 80, split ? start : 0);
                o.putLong(sub + 88, split ? end : 0);
                o.putLong(sub + 96, m.maxPfn);
            }
            // bitmaps over the whole memory, in every part
            byte[] ram = new byte[(int) bitmapBytes], dump = new byte[(int) bitmapBytes];
            for (long p : m.pages.keySet()) {
                ram[(int) (p >>> 3)] |= (byte) (1 << (p & 7));
                if (dumpable(m, p)) dump[(int) (p >>> 3)] |= (byte) (1 << (p & 7));
            }
            for (long p : m.excluded) ram[(int) (p >>> 3)] |= (byte) (1 << (p & 7));
            o.put(bitmapOff, ram);
            o.put(bitmapOff + bitmapBytes, dump);
            List<Long> pfns = new ArrayList<>();
            for (long p : m.pages.subMap(start, end).keySet()) if (dumpable(m, p)) pfns.add(p);
            long dataOff = descOff + 24L * pfns.size();
            long zeroOff = dataOff;
            o.put(zeroOff, new byte[bs]); // the shared zero page comes first
            long off = zeroOff + bs;
            for (int i = 0; i < pfns.size(); i++) {
                long d = descOff + 24L * i;
                if (incomplete && i >= lostFromDescriptor) continue;
                byte[] page = m.page(pfns.get(i));
                if (Memory.isZero(page) && ((dumpLevel & 1) != 0 || qemuStyle)) {
                    desc(o, d, zeroOff, bs, 0);
                    continue;
                }
                byte[] c = compress(page);
                int flags = compression;
                if (c == null || c.length >= bs) {
                    c = page;
                    flags = 0;
                }
                desc(o, d, off, c.length, flags);
                o.put(off, c);
                off += c.length;
            }
            if (o.size() < off) o.truncate(off);
        }
    }

    private static void desc(Out o, long d, long off, int size, int flags) throws IOException {
        o.putLong(d, off);
        o.putInt(d + 8, size);
        o.putInt(d + 12, flags);
        o.putLong(d + 16, 0);
    }

    public byte[] compress(byte[] page) {
        return compress(compression, page);
    }

    public static byte[] compress(int codec, byte[] page) {
        byte[] out = new byte[page.length * 2 + 64];
        int n;
        switch (codec) {
            case ZLIB -> {
                Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, false);
                d.setInput(page);
                d.finish();
                n = d.deflate(out);
                d.end();
            }
            case LZO -> n = new LzoCompressor().compress(page, 0, page.length, out, 0, out.length);
            case SNAPPY -> n = new SnappyCompressor().compress(page, 0, page.length, out, 0, out.length);
            case ZSTD -> n = new ZstdCompressor().compress(page, 0, page.length, out, 0, out.length);
            default -> {
                return null;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /**
     * Rewrites a kdump file in the flattened format (makedumpfile -F): records of at most
     * {@code recordSize} bytes; with {@code shuffle}, records in random order, and a bogus record for
     * the first 4096 bytes written first and overwritten by the real ones (later records win).
     */
    public static void flatten(Path kdump, Path flat, int recordSize, boolean shuffle, long seed) throws IOException {
        byte[] all = Files.readAllBytes(kdump);
        List<long[]> recs = new ArrayList<>();
        for (long off = 0; off < all.length; off += recordSize) recs.add(new long[] {off, Math.min(recordSize, all.length - off)});
        if (shuffle) Collections.shuffle(recs, new Random(seed));
        try (Out o = new Out(flat)) {
            byte[] h = new byte[4096];
            System.arraycopy("makedumpfile".getBytes(StandardCharsets.US_ASCII), 0, h, 0, 12);
            ByteBuffer.wrap(h).order(ByteOrder.BIG_ENDIAN).putLong(16, 1).putLong(24, 1);
            o.put(0, h);
            long pos = 4096;
            if (shuffle) {
                byte[] junk = new byte[Math.min(4096, all.length)];
                Arrays.fill(junk, (byte) 0x5a);
                pos = record(o, pos, 0, junk, 0, junk.length);
            }
            for (long[] r : recs) pos = record(o, pos, r[0], all, (int) r[0], (int) r[1]);
            ByteBuffer end = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN).putLong(-1).putLong(-1);
            o.put(pos, end.array());
        }
    }

    private static long record(Out o, long pos, long off, byte[] b, int from, int len) throws IOException {
        ByteBuffer hdr = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN).putLong(off).putLong(len);
        o.put(pos, hdr.array());
        o.put(pos + 16, b, from, len);
        return pos + 16 + len;
    }
}
