package io.kdx.analyzer.oops;

import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.MemoryFault;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's taint: {@code tainted_mask} (kernel/panic.c) decoded with the letters print_tainted()
 * prints. The table is include/linux/panic.h's TAINT_* order (6.1: 19 flags, TAINT_TEST 'N' added
 * in 5.17, TAINT_RANDSTRUCT 'T' in 5.12, TAINT_AUX 'X' in 4.15); bits beyond it are named by number.
 *
 * @param mask    the value read, or -1 when unreadable
 * @param letters the set flags' letters in bit order ("OE"), empty when not tainted
 * @param names   the set flags' TAINT_* names
 * @param note    why the mask is unknown, or null
 * @param fault   the read of tainted_mask that failed, or null
 */
public record Taint(long mask, String letters, List<String> names, String note,
        @com.fasterxml.jackson.annotation.JsonIgnore MemoryFault fault) {
    static final String[] NAMES = {"TAINT_PROPRIETARY_MODULE", "TAINT_FORCED_MODULE", "TAINT_CPU_OUT_OF_SPEC",
            "TAINT_FORCED_RMMOD", "TAINT_MACHINE_CHECK", "TAINT_BAD_PAGE", "TAINT_USER", "TAINT_DIE",
            "TAINT_OVERRIDDEN_ACPI_TABLE", "TAINT_WARN", "TAINT_CRAP", "TAINT_FIRMWARE_WORKAROUND", "TAINT_OOT_MODULE",
            "TAINT_UNSIGNED_MODULE", "TAINT_SOFTLOCKUP", "TAINT_LIVEPATCH", "TAINT_AUX", "TAINT_RANDSTRUCT", "TAINT_TEST"};
    static final String LETTERS = "PFSRMBUDAWCIOELKXTN";

    public static Taint decode(long mask) {
        StringBuilder l = new StringBuilder();
        List<String> n = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            if ((mask & (1L << i)) == 0) continue;
            if (i < NAMES.length) {
                l.append(LETTERS.charAt(i));
                n.add(NAMES[i]);
            } else {
                l.append('?');
                n.add("taint bit " + i);
            }
        }
        return new Taint(mask, l.toString(), List.copyOf(n), null, null);
    }

    public static Taint read(Kernel k) {
        long a = k.symbol("tainted_mask");
        if (a == 0) return new Taint(-1, null, List.of(), "no tainted_mask symbol", null);
        try {
            return decode(k.readU64(a));
        } catch (MemoryFault f) {
            return new Taint(-1, null, List.of(), "tainted_mask unreadable: " + f.getMessage(), f);
        }
    }

    /** As the log's "CPU: ... Not tainted" / "Tainted: G  W  OE" column shows it, the set letters only. */
    public boolean tainted() {
        return mask > 0;
    }
}
