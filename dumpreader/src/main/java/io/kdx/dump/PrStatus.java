package io.kdx.dump;

/**
 * One NT_PRSTATUS note: the CPU it came from (its position among the notes), the pid the kernel
 * recorded, and pr_reg as raw 64-bit words in the dumped machine's order (for x86_64, struct
 * user_regs_struct: r15 r14 r13 r12 bp bx r11 r10 r9 r8 ax cx dx si di orig_ax ip cs flags sp ss
 * fs_base gs_base ds es fs gs). The architecture layer names them.
 */
public record PrStatus(int cpu, int pid, long[] registers) {}
