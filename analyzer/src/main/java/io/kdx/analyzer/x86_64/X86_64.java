package io.kdx.analyzer.x86_64;

import io.kdx.analyzer.kernel.AddressTranslator;
import io.kdx.analyzer.kernel.Arch;
import io.kdx.analyzer.kernel.KernelLayout;
import io.kdx.analyzer.kernel.PhysicalMemory;
import io.kdx.dump.Dump;
import io.kdx.symbols.KernelSymbols;
import java.util.List;

/** x86_64: 4/5-level paging, KASLR, and the NT_PRSTATUS register set. */
public final class X86_64 implements Arch {
    /** __START_KERNEL_map: the kernel image mapping (arch/x86/include/asm/page_64_types.h). */
    public static final long START_KERNEL_MAP = 0xffff_ffff_8000_0000L;

    /** struct user_regs_struct order (arch/x86/include/asm/user_64.h), as NT_PRSTATUS pr_reg holds it. */
    public static final List<String> REGISTERS = List.of("r15", "r14", "r13", "r12", "bp", "bx", "r11",
            "r10", "r9", "r8", "ax", "cx", "dx", "si", "di", "orig_ax", "ip", "cs", "flags", "sp", "ss",
            "fs_base", "gs_base", "ds", "es", "fs", "gs");
    public static final int R15 = 0, R14 = 1, R13 = 2, R12 = 3, BP = 4, BX = 5, R11 = 6, R10 = 7, R9 = 8,
            R8 = 9, AX = 10, CX = 11, DX = 12, SI = 13, DI = 14, ORIG_AX = 15, IP = 16, CS = 17, FLAGS = 18,
            SP = 19, SS = 20;

    /** The registers of a CPU note by name ("ip", "sp", "cs", ...), in note order. */
    public static java.util.Map<String, Long> named(io.kdx.dump.PrStatus p) {
        java.util.Map<String, Long> m = new java.util.LinkedHashMap<>();
        long[] r = p.registers();
        for (int i = 0; i < Math.min(r.length, REGISTERS.size()); i++) m.put(REGISTERS.get(i), r[i]);
        return m;
    }

    /**
     * Whether a function is an interrupt or exception entry stub, below which a stack continues in the
     * interrupted context (its pt_regs): the idtentry stubs asm_sysvec_*, asm_exc_*, asm_common_interrupt
     * and asm_spurious_interrupt (arch/x86/include/asm/idtentry.h, 5.8 on), and before 5.8 the stubs of
     * entry_64.S (common_interrupt, apic_timer_interrupt and the other *_interrupt vectors, ret_from_intr).
     */
    public static boolean interruptEntry(String function) {
        if (function == null) return false;
        return function.startsWith("asm_sysvec_") || function.startsWith("asm_exc_") || function.equals("asm_common_interrupt")
                || function.equals("asm_spurious_interrupt") || function.equals("common_interrupt") || function.equals("ret_from_intr")
                || function.equals("apic_timer_interrupt") || function.equals("reschedule_interrupt")
                || function.equals("call_function_interrupt") || function.equals("call_function_single_interrupt");
    }

    private final int translationCacheEntries;

    public X86_64() {
        this(1 << 14);
    }

    /** With a translation cache of that many 4 KiB pages (tests use tiny ones to force evictions). */
    public X86_64(int translationCacheEntries) {
        this.translationCacheEntries = translationCacheEntries;
    }

    @Override
    public String name() {
        return "x86_64";
    }

    @Override
    public KernelLayout layout(Dump dump, KernelSymbols symbols, PhysicalMemory mem) {
        return LayoutFinder.find(dump, symbols, mem);
    }

    @Override
    public AddressTranslator translator(KernelLayout layout, PhysicalMemory mem) {
        return new PageTables(mem, layout.rootTable(), layout.fiveLevel(), translationCacheEntries);
    }

    @Override
    public List<String> prstatusRegisterNames() {
        return REGISTERS;
    }

    @Override
    public int ipRegister() {
        return IP;
    }

    @Override
    public int spRegister() {
        return SP;
    }

    @Override
    public int frameRegister() {
        return BP;
    }
}
