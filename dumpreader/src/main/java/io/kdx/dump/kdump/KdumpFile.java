package io.kdx.dump.kdump;

import io.kdx.dump.DumpException;
import io.kdx.dump.io.ByteSource;
import io.kdx.dump.io.MappedFile;
import java.nio.file.Path;

/**
 * One compressed-kdump file (a whole dump, or one part of a makedumpfile --split set): its source bytes
 * (mapped, or the logical file of a flattened one), header, and where its page descriptors start.
 * Descriptors are 24 bytes {i64 offset; u32 size; u32 flags; u64 page_flags}, one per dumpable pfn in
 * [startPfn, endPfn), in pfn order.
 */
final class KdumpFile {
    static final int DESC_SIZE = 24;
    static final int TAIL_SCAN = 1 << 16;

    final ByteSource src;
    final MappedFile mapped;
    final KdumpHeader h;
    final boolean flattened;
    long rankBase;   // rank of startPfn in the dumpable bitmap
    long nDesc;      // descriptors this file holds
    long zeroPage = -1; // file offset of the shared zero page, or -1
    boolean truncated;
    /** Why the bitmap and the descriptors disagree, or null when they agree. */
    String damage;

    KdumpFile(MappedFile mapped, ByteSource src, KdumpHeader h, boolean flattened) {
        this.mapped = mapped;
        this.src = src;
        this.h = h;
        this.flattened = flattened;
    }

    Path path() {
        return mapped.path();
    }

    /** Called once the bitmap is known: counts descriptors, finds the zero page, detects truncation. */
    void layout(Bitmap dumpable, int pageSize) {
        rankBase = dumpable.rank(h.startPfn());
        nDesc = dumpable.rank(h.endPfn()) - rankBase;
        long descEnd = h.descriptorOffset() + nDesc * DESC_SIZE;
        if (flattened && ((FlattenedFile) src).truncated()) truncated = true;
        if (descEnd > src.size()) {
            truncated = true;
        } else {
            // page data follows pfn order (only zero pages point back to the shared zero page), so the
            // file's end is where the last descriptors' data ends: look back past a tail of zero pages
            for (long i = nDesc - 1, n = 0; i >= 0 && n < TAIL_SCAN; i--, n++) {
                long d = h.descriptorOffset() + i * DESC_SIZE;
                long off = src.getLong(d), size = src.getInt(d + 8) & 0xffffffffL;
                if (off > 0 && off + size > src.size()) {
                    truncated = true;
                    break;
                }
                if (off > descEnd + pageSize) break; // a real data page inside the file
            }
        }
        // makedumpfile and QEMU write the shared zero page first, where the page data begins
        if (src.contains(descEnd, pageSize) && allZero(descEnd, pageSize)) zeroPage = descEnd;
        damage = checkDescriptorCount(pageSize, descEnd);
    }

    /**
     * The dumpable bitmap says how many descriptors there are (one per set bit); the data that follows
     * them starts at their end, with the shared zero page (makedumpfile's write_kdump_pages, QEMU's
     * write_dump_pages). When the lowest data offset among the first descriptors is neither that end
     * nor one page after it, bits of the bitmap were flipped: every later pfn's rank, and so its
     * descriptor, is off, and its page may read as another pfn's bytes (issue #12: one flipped bit of
     * the sample's dumpable bitmap).
     */
    private String checkDescriptorCount(int pageSize, long descEnd) {
        if (nDesc == 0) return null;
        long min = Long.MAX_VALUE;
        for (long i = 0; i < Math.min(nDesc, 256); i++) {
            long d = h.descriptorOffset() + i * DESC_SIZE;
            if (!src.contains(d, DESC_SIZE)) break;
            long off = src.getLong(d);
            if (off > 0) min = Math.min(min, off);
        }
        if (min == Long.MAX_VALUE || min == descEnd || min == descEnd + pageSize) return null;
        long implied = (min - h.descriptorOffset()) / DESC_SIZE;
        return String.format((java.util.Locale) null, "%s: the dumpable bitmap counts %d pages, but the page descriptors %s (page data starts at "
                + "offset %d, not %d): the bitmap is damaged, and pages may read as other pages' bytes",
                path(), nDesc, min < descEnd ? "end sooner, about " + implied + " of them" : "run on, about " + implied + " of them",
                min, descEnd);
    }

    private boolean allZero(long off, int len) {
        for (int i = 0; i < len; i += 8) if (src.getLong(off + i) != 0) return false;
        return true;
    }

    DumpException corrupt(long pfn, String what) {
        return new DumpException(path(), "pfn " + pfn + " (0x" + Long.toHexString(pfn) + "): " + what);
    }
}
