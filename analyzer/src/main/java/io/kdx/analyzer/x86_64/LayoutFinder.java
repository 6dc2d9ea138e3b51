package io.kdx.analyzer.x86_64;

import static io.kdx.analyzer.x86_64.X86_64.START_KERNEL_MAP;

import io.kdx.analyzer.kernel.KernelLayout;
import io.kdx.analyzer.kernel.PhysicalMemory;
import io.kdx.dump.Dump;
import io.kdx.dump.VmcoreInfo;
import io.kdx.symbols.KernelSymbols;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

/**
 * Finds the KASLR shift, phys_base and the root page table. In order: VMCOREINFO (KERNELOFFSET,
 * NUMBER(phys_base), SYMBOL(init_top_pgt), NUMBER(pgtable_l5_enabled): arch/x86/kernel/crash_core_64.c),
 * VMCOREINFO's SYMBOL(_stext) against the vmlinux, and for a dump without VMCOREINFO, linux_banner
 * located in physical memory plus the kernel-image PMD entries of init_top_pgt.
 */
final class LayoutFinder {
    private LayoutFinder() {}

    static KernelLayout find(Dump dump, KernelSymbols symbols, PhysicalMemory mem) {
        VmcoreInfo vi = dump.vmcoreinfo();
        OptionalLong kaslr = vi.kernelOffset();
        String source = "vmcoreinfo";
        if (kaslr.isEmpty()) {
            OptionalLong stext = vi.symbol("_stext");
            long link = symbols.address("_stext");
            if (stext.isPresent() && link != 0) {
                kaslr = OptionalLong.of(stext.getAsLong() - link);
                source = "vmcoreinfo _stext";
            }
        }
        OptionalLong physBase = vi.number("phys_base");
        boolean l5 = vi.number("pgtable_l5_enabled").orElse(0) == 1;
        long pgtLink = pgtLink(symbols);
        if (kaslr.isPresent() && physBase.isPresent()) {
            OptionalLong pgt = vi.symbol("init_top_pgt");
            long pgtVirt = pgt.isPresent() ? pgt.getAsLong() : pgtLink + kaslr.getAsLong();
            long root = pgtVirt - START_KERNEL_MAP + physBase.getAsLong();
            return new KernelLayout(kaslr.getAsLong(), physBase.getAsLong(), root, l5, source);
        }
        return fromBanner(dump, symbols, mem, pgtLink);
    }

    private static long pgtLink(KernelSymbols symbols) {
        long a = symbols.address("init_top_pgt");
        return a != 0 ? a : symbols.address("init_level4_pgt"); // renamed in 4.13
    }

    /** Thrown out of forEachPresentPfn to stop the scan. */
    private static final class Found extends RuntimeException {
        final long pfn;

        Found(long pfn) {
            super(null, null, false, false);
            this.pfn = pfn;
        }
    }

    static KernelLayout fromBanner(Dump dump, KernelSymbols symbols, PhysicalMemory mem, long pgtLink) {
        String banner = symbols.banner();
        long bannerLink = symbols.address("linux_banner");
        long textLink = symbols.address("_text");
        if (banner == null || bannerLink == 0 || textLink == 0 || pgtLink == 0) {
            throw new IllegalStateException(dump.path() + ": no VMCOREINFO, and the symbols lack linux_banner, _text or init_top_pgt to find KASLR");
        }
        int ps = dump.pageSize();
        int off = (int) (bannerLink & (ps - 1)); // KASLR moves the image by 2 MiB multiples: page offset stays
        byte[] want = banner.getBytes(StandardCharsets.ISO_8859_1);
        int n = Math.min(want.length, ps - off);
        MemorySegment page = MemorySegment.ofArray(new byte[ps]);
        MemorySegment wantSeg = MemorySegment.ofArray(want).asSlice(0, n);
        long hitPfn;
        try {
            dump.forEachPresentPfn(pfn -> {
                if (readable(dump, pfn, page)
                        && page.get(ValueLayout.JAVA_BYTE, off) == want[0]
                        && page.asSlice(off, n).mismatch(wantSeg) == -1) {
                    throw new Found(pfn);
                }
            });
            throw new IllegalStateException(dump.path() + ": no VMCOREINFO, and linux_banner of " + symbols.source()
                    + " is nowhere in the dump's memory (wrong vmlinux?)");
        } catch (Found f) {
            hitPfn = f.pfn;
        }
        long bannerPhys = hitPfn * ps + off;
        long d = bannerPhys - (bannerLink - START_KERNEL_MAP); // = phys_base + KASLR shift
        long root = pgtLink - START_KERNEL_MAP + d;
        long textPhys = textLink - START_KERNEL_MAP + d;
        // The image is mapped by 2 MiB PMD entries under PGD 511, PUD 510/511 (level2_kernel_pgt).
        long pgd = mem.u64OrElse(root + 511 * 8, 0);
        if ((pgd & PageTables.PRESENT) != 0) {
            for (int pudIdx = 510; pudIdx <= 511; pudIdx++) {
                long pud = mem.u64OrElse((pgd & PageTables.ADDR_MASK) + pudIdx * 8L, 0);
                if ((pud & PageTables.PRESENT) == 0 || (pud & PageTables.PSE) != 0) continue;
                for (int i = 0; i < 512; i++) {
                    long pmd = mem.u64OrElse((pud & PageTables.ADDR_MASK) + i * 8L, 0);
                    if ((pmd & PageTables.PRESENT) != 0 && (pmd & PageTables.PSE) != 0
                            && (pmd & PageTables.ADDR_MASK & ~0x1f_ffffL) == (textPhys & ~0x1f_ffffL)) {
                        long virt = 0xffff_ff80_0000_0000L | ((long) pudIdx << 30) | ((long) i << 21) | (textPhys & 0x1f_ffffL);
                        long kaslr = virt - textLink;
                        // __pgtable_l5_enabled (CONFIG_X86_5LEVEL, 4.17+): an unsigned int in the image
                        long l5Link = symbols.address("__pgtable_l5_enabled");
                        boolean l5 = l5Link != 0 && mem.u32OrElse(l5Link - START_KERNEL_MAP + d, 0) == 1;
                        return new KernelLayout(kaslr, d - kaslr, root, l5, "linux_banner scan");
                    }
                }
            }
        }
        throw new IllegalStateException(dump.path() + ": no VMCOREINFO; found linux_banner at physical 0x"
                + Long.toHexString(bannerPhys) + " but no page-table entry maps the kernel image");
    }

    /** A corrupt page (issue #12) is skipped like a filtered one: the banner may be on another. */
    private static boolean readable(Dump dump, long pfn, MemorySegment page) {
        try {
            return dump.readPage(pfn, page).readable();
        } catch (Exception e) {
            if (e instanceof io.kdx.dump.DumpException) return false;
            throw e;
        }
    }
}
