package io.kdx.analyzer.crash;

import io.kdx.analyzer.kernel.DumpIdentity;
import io.kdx.dump.Dump;
import io.kdx.dump.PageState;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * The answers of {@code crash --osrelease} and {@code --build-id}: what the dump says (VMCOREINFO,
 * the kdump header), and for a dump that says nothing (QEMU's dumps of a guest without
 * vmcoreinfo) the release of the {@code linux_banner} ("Linux version RELEASE (...") found in
 * the dump's physical memory, as a triage service's own fallback looks for it in the file.
 */
final class DumpRelease {
    /** Pages searched for the banner: the kernel image lies low in RAM (4 GiB of 4 KiB pages). */
    private static final long MAX_SCAN_PAGES = 1L << 20;
    private static final byte[] BANNER = "Linux version ".getBytes(StandardCharsets.US_ASCII);

    private DumpRelease() {}

    static String release(Dump dump) {
        String r = DumpIdentity.release(dump);
        return r != null ? r : bannerRelease(dump);
    }

    static String buildId(Dump dump) {
        String b = DumpIdentity.buildId(dump);
        return b == null || b.isBlank() ? null : b;
    }

    /** The release of the first "Linux version X (" in physical memory, or null. */
    static String bannerRelease(Dump dump) {
        int ps = dump.pageSize();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment page = arena.allocate(ps);
            byte[] b = new byte[ps + 256];
            long end = Math.min(dump.maxPfn(), MAX_SCAN_PAGES);
            for (long pfn = 0; pfn < end; pfn++) {
                PageState s;
                try {
                    s = dump.readPage(pfn, page);
                } catch (RuntimeException e) {
                    continue;
                }
                if (s != PageState.PRESENT) continue;
                MemorySegment.copy(page, ValueLayout.JAVA_BYTE, 0, b, 0, ps);
                for (int i = 0; i + BANNER.length < ps; i++) {
                    if (b[i] != 'L' || !startsWith(b, i, BANNER)) continue;
                    int start = i + BANNER.length, j = start;
                    while (j < ps && b[j] > ' ' && b[j] < 0x7f) j++;
                    if (j > start && j < ps && b[j] == ' ' && j + 1 < ps && b[j + 1] == '(') {
                        String r = new String(b, start, j - start, StandardCharsets.US_ASCII);
                        if (r.matches("\\d+\\.\\d+.*") && !r.contains("%")) return r;
                    }
                }
            }
        }
        return null;
    }

    private static boolean startsWith(byte[] b, int at, byte[] p) {
        for (int k = 0; k < p.length; k++) if (b[at + k] != p[k]) return false;
        return true;
    }
}
