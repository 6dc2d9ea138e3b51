package io.kdx.analyzer.log;

import io.kdx.analyzer.text.Fmt;
import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.Unreadable;
import io.kdx.analyzer.kernel.MemoryFault;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The lockless printk ring of Linux 5.10 and later (kernel/printk/printk_ringbuffer.h): the
 * pointer {@code prb} leads to a descriptor ring (state_var, text block positions), a parallel
 * array of printk_info (seq, ts_nsec, text_len, level) and a text data ring whose blocks start
 * with the unsigned long id of their descriptor. Records are read from tail_id to head_id
 * inclusive; only committed and finalized descriptors count, as dump tools do.
 */
final class LocklessRing {
    // Descriptor state in the top two bits of state_var (5.10: DESC_FLAGS_SHIFT = 62).
    private static final int DESC_FLAGS_SHIFT = 62;
    private static final long DESC_ID_MASK = ~(3L << DESC_FLAGS_SHIFT);
    private static final int DESC_COMMITTED = 1, DESC_FINALIZED = 2;
    private static final int MAX_COUNT_BITS = 24, MAX_SIZE_BITS = 30;

    private LocklessRing() {}

    static boolean present(Kernel k) {
        return new LogLayout(k).symbol("prb") != 0;
    }

    static KernelLog read(Kernel k) {
        LogLayout l = new LogLayout(k);
        List<Unreadable> problems = new ArrayList<>();
        List<LogRecord> out = new ArrayList<>();

        long prb = k.readPointer(l.symbol("prb"));
        long descRing = prb + l.offset("printk_ringbuffer", "desc_ring");
        long textRing = prb + l.offset("printk_ringbuffer", "text_data_ring");

        int countBits = k.readU32(descRing + l.offset("prb_desc_ring", "count_bits"));
        long descsAddr = k.readPointer(descRing + l.offset("prb_desc_ring", "descs"));
        long infosAddr = k.readPointer(descRing + l.offset("prb_desc_ring", "infos"));
        long headId = k.readU64(descRing + l.offset("prb_desc_ring", "head_id"));
        long tailId = k.readU64(descRing + l.offset("prb_desc_ring", "tail_id"));
        int sizeBits = k.readU32(textRing + l.offset("prb_data_ring", "size_bits"));
        long dataAddr = k.readPointer(textRing + l.offset("prb_data_ring", "data"));
        if (countBits < 0 || countBits > MAX_COUNT_BITS || sizeBits < 0 || sizeBits > MAX_SIZE_BITS) {
            problems.add(Unreadable.of(Unreadable.LOG, "printk_ringbuffer", Fmt.format("printk ring at 0x%x: implausible count_bits %d or size_bits %d", prb, countBits, sizeBits)));
            return new KernelLog("lockless ring", out, problems);
        }
        int count = 1 << countBits;
        int dataSize = 1 << sizeBits;

        long descSize = l.size("prb_desc");
        long infoSize = l.size("printk_info");
        long stateVar = l.offset("prb_desc", "state_var");
        long blkLpos = l.offset("prb_desc", "text_blk_lpos");
        long begin = blkLpos + l.offset("prb_data_blk_lpos", "begin");
        long next = blkLpos + l.offset("prb_data_blk_lpos", "next");
        long seqOff = l.offset("printk_info", "seq");
        long tsOff = l.offset("printk_info", "ts_nsec");
        long lenOff = l.offset("printk_info", "text_len");
        long facOff = l.has("printk_info", "facility") ? l.offset("printk_info", "facility") : -1;
        int[] level = l.bits("printk_info", "level");

        java.util.BitSet badInfo = new java.util.BitSet(), badData = new java.util.BitSet();
        byte[] descs = readArray(k, descsAddr, count * descSize, "descriptor ring", problems, null);
        byte[] infos = readArray(k, infosAddr, count * infoSize, "printk_info array", problems, badInfo);
        byte[] data = readArray(k, dataAddr, dataSize, "text data ring", problems, badData);
        if (descs == null || infos == null || data == null) return new KernelLog("lockless ring", out, problems);

        long id = tailId & DESC_ID_MASK;
        long head = headId & DESC_ID_MASK;
        for (int n = 0; n <= count; n++) {
            int idx = (int) (id & (count - 1));
            long d = idx * descSize;
            long sv = Bytes.u64(descs, d + stateVar);
            int state = (int) (sv >>> DESC_FLAGS_SHIFT);
            if ((sv & DESC_ID_MASK) == id && (state == DESC_COMMITTED || state == DESC_FINALIZED)) {
                long b = Bytes.u64(descs, d + begin) & (dataSize - 1);
                long e = Bytes.u64(descs, d + next) & (dataSize - 1);
                if (b != e) { // a data-less block has no text
                    long inf = idx * infoSize;
                    int textLen = Bytes.u16(infos, inf + lenOff);
                    if (b > e) b = 0; // the block wrapped: its data lives at the ring's start
                    b += 8; // skip the block's unsigned long id
                    if (e - b < textLen) textLen = (int) Math.max(0, e - b); // truncated record
                    boolean lost = badInfo.get((int) (inf >>> 12)) || badInfo.get((int) ((inf + infoSize - 1) >>> 12))
                            || (textLen > 0 && badData.previousSetBit((int) ((b + textLen - 1) >>> 12)) >= (int) (b >>> 12));
                    if (lost) {
                        if (id == head) break;
                        id = (id + 1) & DESC_ID_MASK;
                        continue;
                    }
                    byte[] text = Arrays.copyOfRange(data, (int) b, (int) (b + textLen));
                    out.add(new LogRecord(Bytes.u64(infos, inf + seqOff), Bytes.u64(infos, inf + tsOff),
                            level == null ? -1 : Bytes.bits(infos, inf, level),
                            facOff < 0 ? -1 : Bytes.u8(infos, inf + facOff), text));
                }
            }
            if (id == head) break;
            id = (id + 1) & DESC_ID_MASK;
        }
        return new KernelLog("lockless ring", out, problems);
    }

    /**
     * Copies a kernel array out of the dump. When part of it is unreadable, reads it page by page,
     * leaves the unreadable pages zero (a zero state_var is never committed, so those descriptors
     * drop out) and marks them in {@code bad} (one bit per 4 KiB, may be null).
     */
    static byte[] readArray(Kernel k, long addr, long len, String what, List<Unreadable> problems, java.util.BitSet bad) {
        byte[] b = new byte[(int) len];
        try {
            k.read(addr, b, 0, b.length);
            return b;
        } catch (MemoryFault f) {
            int lost = 0;
            for (long off = 0; off < len; ) {
                long pageEnd = ((addr + off) | 0xfff) + 1;
                int n = (int) Math.min(len - off, pageEnd - (addr + off));
                try {
                    k.read(addr + off, b, (int) off, n);
                } catch (MemoryFault g) {
                    lost++;
                    if (bad != null) bad.set((int) (off >>> 12), (int) ((off + n - 1) >>> 12) + 1);
                }
                off += n;
            }
            problems.add(Unreadable.of(Unreadable.LOG, Fmt.format("printk %s 0x%x", what, addr), f,
                    Fmt.format("printk %s at 0x%x: %d of its pages unreadable (%s); records there are left out", what, addr, lost, f.getMessage())));
            return lost * 4096L >= len ? null : b;
        }
    }
}
