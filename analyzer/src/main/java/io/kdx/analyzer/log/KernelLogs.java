package io.kdx.analyzer.log;

import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.MemoryFault;
import io.kdx.analyzer.kernel.MissingTypeException;
import io.kdx.analyzer.kernel.Unreadable;
import java.util.List;

/** Reads the kernel log of a dump, whichever of the three buffer layouts its kernel used. */
public final class KernelLogs {
    private KernelLogs() {}

    /** Never throws for an unreadable log: returns what was read and says what was not. */
    public static KernelLog read(Kernel k) {
        String layout = "none";
        try {
            if (LocklessRing.present(k)) { layout = "lockless ring"; return LocklessRing.read(k); }
            if (RecordBuffer.present(k)) { layout = "record buffer"; return RecordBuffer.read(k); }
            if (PlainBuffer.present(k)) { layout = "plain buffer"; return PlainBuffer.read(k); }
            return new KernelLog(layout, List.of(), List.of(Unreadable.of(Unreadable.LOG, null,
                    "no printk buffer symbol (prb, log_first_idx, log_buf) in the symbols or VMCOREINFO")));
        } catch (MemoryFault f) {
            return new KernelLog(layout, List.of(), List.of(Unreadable.of(Unreadable.LOG, layout.equals("lockless ring") ? "prb" : "log_buf",
                    f, "kernel log unreadable: " + f.getMessage())));
        } catch (MissingTypeException e) {
            return new KernelLog(layout, List.of(), List.of(Unreadable.of(Unreadable.LOG, null, "kernel log unreadable: " + e.getMessage())));
        }
    }
}
