package io.kdx.analyzer.dumpsymbols;

import static io.kdx.analyzer.x86_64.X86_64.START_KERNEL_MAP;

import io.kdx.analyzer.kernel.MemoryFault;
import io.kdx.analyzer.kernel.PhysicalMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * The kernel image (text, rodata, data) of a dump, read by runtime virtual address through the
 * image's linear mapping: physical = virtual - __START_KERNEL_map + phys_base, as the kernel's own
 * __phys_addr_symbol() computes it (arch/x86/include/asm/page_64.h). It needs no page tables and no
 * symbols, so the kernel's own tables can be read before anything else is known.
 */
final class ImageMemory {
    private final PhysicalMemory mem;
    private final long physBase;
    private final int pageSize;

    ImageMemory(PhysicalMemory mem, long physBase) {
        this.mem = mem;
        this.physBase = physBase;
        this.pageSize = mem.pageSize();
    }

    PhysicalMemory physical() {
        return mem;
    }

    long physBase() {
        return physBase;
    }

    long phys(long vaddr) {
        return vaddr - START_KERNEL_MAP + physBase;
    }

    /** Reads {@code len} bytes at {@code vaddr}; throws {@link MemoryFault} naming the address when a page is not in the dump. */
    void read(long vaddr, byte[] dst, int off, int len) {
        while (len > 0) {
            long p = phys(vaddr);
            int n = Math.min(len, pageSize - (int) (p & (pageSize - 1)));
            mem.copy(p, vaddr, dst, off, n);
            vaddr += n;
            off += n;
            len -= n;
        }
    }

    byte[] bytes(long vaddr, int len) {
        byte[] b = new byte[len];
        read(vaddr, b, 0, len);
        return b;
    }

    /**
     * Copies [from, to) into a new off-heap segment of {@code arena}, reading the dump's pages
     * directly (megabytes read once: they would only evict the page cache's working set).
     */
    MemorySegment copy(long from, long to, Arena arena) {
        long len = to - from;
        MemorySegment seg = arena.allocate(len, 8);
        MemorySegment page = arena.allocate(pageSize, 8);
        for (long done = 0; done < len; ) {
            long p = phys(from + done);
            int in = (int) (p & (pageSize - 1));
            int n = (int) Math.min(len - done, pageSize - in);
            io.kdx.dump.PageState st = mem.dump().readPage(p / pageSize, page);
            if (!st.readable()) {
                throw new MemoryFault(from + done, st, "the kernel image page at physical 0x" + Long.toHexString(p) + " is " + st.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
            }
            MemorySegment.copy(page, in, seg, done, n);
            done += n;
        }
        return seg;
    }

    long u64(long vaddr) {
        long p = phys(vaddr);
        if ((p & (pageSize - 1)) > pageSize - 8) return java.nio.ByteBuffer.wrap(bytes(vaddr, 8)).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        return mem.word(p, vaddr, 8);
    }

    int u32(long vaddr) {
        long p = phys(vaddr);
        if ((p & (pageSize - 1)) > pageSize - 4) { // straddles a page
            byte[] b = bytes(vaddr, 4);
            return (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
        }
        return (int) mem.word(p, vaddr, 4);
    }

    int u16(long vaddr) {
        long p = phys(vaddr);
        if ((p & (pageSize - 1)) > pageSize - 2) {
            byte[] b = bytes(vaddr, 2);
            return (b[0] & 0xff) | (b[1] & 0xff) << 8;
        }
        return (int) mem.word(p, vaddr, 2);
    }

    /** A NUL-terminated string of at most {@code max} bytes. */
    String cString(long vaddr, int max) {
        byte[] b = new byte[max];
        int got = 0;
        while (got < max) {
            long p = phys(vaddr + got);
            int n = Math.min(max - got, pageSize - (int) (p & (pageSize - 1)));
            mem.copy(p, vaddr + got, b, got, n);
            for (int i = got; i < got + n; i++) if (b[i] == 0) return new String(b, 0, i, StandardCharsets.ISO_8859_1);
            got += n;
        }
        return new String(b, 0, got, StandardCharsets.ISO_8859_1);
    }
}
