package io.kdx.analyzer.x86_64;

import static org.junit.jupiter.api.Assertions.*;

import io.kdx.analyzer.kernel.FakeSymbols;
import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.Kernels;
import io.kdx.analyzer.kernel.MemDump;
import io.kdx.analyzer.kernel.PageTableBuilder;
import io.kdx.dump.DumpException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** KASLR and phys_base of a dump without VMCOREINFO, found from linux_banner in physical memory. */
class LayoutFinderTest {
    static final long START = X86_64.START_KERNEL_MAP;
    static final long TEXT_LINK = START + 0x100_0000;      // _text at 16 MiB, as x86_64 links it
    static final long KASLR = 0x300_0000;                 // 48 MiB, a multiple of 2 MiB
    static final long IMAGE_PHYS = 0x500_0000;             // where the image was loaded
    static final String BANNER = "Linux version 6.1.0-test (kdx@test) #1 SMP\n";

    MemDump mem;
    FakeSymbols syms;

    void build() {
        mem = new MemDump(0x8000, (IMAGE_PHYS + 0x10_0000) / 4096); // page tables inside the image, like init_top_pgt
        PageTableBuilder pt = new PageTableBuilder(mem, false);
        pt.map2m(TEXT_LINK + KASLR, IMAGE_PHYS);
        syms = new FakeSymbols();
        syms.banner = BANNER;
        syms.symbol("_text", TEXT_LINK).symbol("linux_banner", TEXT_LINK + 0x2345)
                .symbol("init_top_pgt", TEXT_LINK + (pt.root - IMAGE_PHYS)).symbol("some_var", TEXT_LINK + 0x3000);
        mem.putBytes(IMAGE_PHYS + 0x2345, BANNER.getBytes(StandardCharsets.ISO_8859_1));
        mem.put64(IMAGE_PHYS + 0x3000, 0x0123_4567_89ab_cdefL);
    }

    @Test
    void findsKaslrAndPhysBaseFromTheBanner() throws Exception {
        build();
        try (Kernel k = Kernels.open(mem, syms)) {
            assertEquals(KASLR, k.kaslrOffset());
            assertEquals(TEXT_LINK + KASLR + 0x3000, k.symbol("some_var"));
            assertEquals(IMAGE_PHYS + 0x3000, k.translate(k.symbol("some_var")));
            assertEquals(0x0123_4567_89ab_cdefL, k.readU64(k.symbol("some_var")));
        }
    }

    @Test
    void aBannerThatIsNowhereIsOneClearError() {
        build();
        syms.banner = "Linux version 9.9.9-other\n";
        DumpException e = assertThrows(DumpException.class, () -> Kernels.open(mem, syms));
        assertTrue(e.getMessage().contains("linux_banner") && e.getMessage().contains("synthetic.dump"), e.getMessage());
    }
}
