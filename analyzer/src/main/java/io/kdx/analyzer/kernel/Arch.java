package io.kdx.analyzer.kernel;

import io.kdx.dump.Dump;
import io.kdx.symbols.KernelSymbols;
import java.util.List;

/**
 * What the kernel model needs from a CPU architecture; x86_64 ({@code io.kdx.analyzer.x86_64.X86_64})
 * is the only one today.
 *
 * <p>Adding an architecture: (1) implement {@link #layout} — find the KASLR shift, the physical
 * load base and the root page table from VMCOREINFO, the symbols, or the dump itself; (2) implement
 * an {@link AddressTranslator} for its page-table format (levels, huge pages, the direct map);
 * (3) name the NT_PRSTATUS registers ({@link #prstatusRegisterNames}, and the indexes of ip, sp and
 * frame pointer); (4) give the unwinder the saved frame of a sleeping task and the exception-frame
 * layout (for x86_64: {@code inactive_task_frame} and {@code pt_regs}, see io.kdx.analyzer.stack);
 * (5) choose it in {@link Kernels#open} from {@code DumpMetadata.machine()} or the ELF e_machine.
 */
public interface Arch {
    String name();

    /** The facts translation needs, found from VMCOREINFO, the symbols, or the dump itself. */
    KernelLayout layout(Dump dump, KernelSymbols symbols, PhysicalMemory mem);

    /** Kernel virtual address translation for this dump. */
    AddressTranslator translator(KernelLayout layout, PhysicalMemory mem);

    /** Names of the NT_PRSTATUS registers in note order. */
    List<String> prstatusRegisterNames();

    int ipRegister();

    int spRegister();

    int frameRegister();
}
