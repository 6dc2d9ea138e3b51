package io.kdx.dump.elf;

import io.kdx.dump.PrStatus;
import io.kdx.dump.QemuCpuState;
import io.kdx.dump.VmcoreInfo;
import io.kdx.dump.io.ByteSource;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The ELF notes of a dump (a PT_NOTE segment, or the kdump sub-header's note area): NT_PRSTATUS of
 * each CPU ("CORE", type 1), VMCOREINFO ("VMCOREINFO", type 0) and QEMU's per-vCPU state ("QEMU").
 * Walks Elf64_Nhdr {u32 namesz, descsz, type} with name and desc padded to 4 bytes; a note that runs
 * past the area ends the walk.
 */
public final class ElfNotes {
    static final int NT_PRSTATUS = 1;
    /** elf_prstatus on x86_64: pr_pid @32, pr_reg (27 words) @112 (include/linux/elfcore.h). */
    static final int PR_PID = 32, PR_REG = 112, PR_REG_WORDS = 27;
    /** QEMUCPUState: 18 GPR words @8, 10 segments of 24 bytes (base @+16) @152, cr[5] @392, kernel_gs_base @432. */
    static final int QEMU_GPR = 8, QEMU_SEG = 152, QEMU_CR = 392, QEMU_KGS = 432;

    public final List<PrStatus> prstatus = new ArrayList<>();
    public final List<QemuCpuState> qemu = new ArrayList<>();
    public String vmcoreinfo;

    /** Parses [offset, offset+size) of {@code src}; tolerates a truncated area. */
    public void parse(ByteSource src, long offset, long size) {
        long end = Math.min(offset + size, src.size());
        long p = offset;
        for (int guard = 0; guard < 1 << 20 && p + 12 <= end; guard++) {
            long namesz = src.getInt(p) & 0xffffffffL;
            long descsz = src.getInt(p + 4) & 0xffffffffL;
            int type = src.getInt(p + 8);
            long name = p + 12;
            long desc = name + align4(namesz);
            long next = desc + align4(descsz);
            if (namesz == 0 && descsz == 0 && type == 0) break; // padding
            if (next > end || next <= p) break;
            String n = namesz == 0 ? "" : src.cString(name, (int) Math.min(namesz, 64));
            if (type == NT_PRSTATUS && n.equals("CORE") && descsz >= PR_REG + PR_REG_WORDS * 8) {
                long[] regs = new long[PR_REG_WORDS];
                for (int i = 0; i < regs.length; i++) regs[i] = src.getLong(desc + PR_REG + 8L * i);
                prstatus.add(new PrStatus(prstatus.size(), src.getInt(desc + PR_PID), regs));
            } else if (n.equals("VMCOREINFO") && vmcoreinfo == null) {
                byte[] b = new byte[(int) Math.min(descsz, 1 << 20)];
                src.copy(desc, b, 0, b.length);
                int len = b.length;
                while (len > 0 && b[len - 1] == 0) len--;
                vmcoreinfo = new String(b, 0, len, StandardCharsets.UTF_8);
            } else if (n.equals("QEMU") && descsz >= QEMU_CR + 40) {
                qemu.add(qemuState(src, desc, descsz));
            }
            p = next;
        }
    }

    private QemuCpuState qemuState(ByteSource src, long desc, long descsz) {
        long[] gpr = new long[18];
        for (int i = 0; i < gpr.length; i++) gpr[i] = src.getLong(desc + QEMU_GPR + 8L * i);
        long[] seg = new long[10];
        for (int i = 0; i < seg.length; i++) seg[i] = src.getLong(desc + QEMU_SEG + 24L * i + 16);
        long[] cr = new long[5];
        for (int i = 0; i < cr.length; i++) cr[i] = src.getLong(desc + QEMU_CR + 8L * i);
        // the 'size' field says how much of the struct this QEMU wrote; kernel_gs_base came later
        long declared = src.getInt(desc + 4) & 0xffffffffL;
        long kgs = Math.min(declared, descsz) >= QEMU_KGS + 8 ? src.getLong(desc + QEMU_KGS) : 0;
        return new QemuCpuState(qemu.size(), gpr, seg, cr, kgs);
    }

    public VmcoreInfo vmcoreInfo() {
        return vmcoreinfo == null ? VmcoreInfo.EMPTY : VmcoreInfo.parse(vmcoreinfo);
    }

    private static long align4(long n) {
        return (n + 3) & ~3L;
    }
}
