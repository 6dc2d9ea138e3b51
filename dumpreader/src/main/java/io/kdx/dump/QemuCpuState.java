package io.kdx.dump;

/**
 * One "QEMU" ELF note (QEMU's QEMUCPUState for x86_64, target/i386/arch_dump.c): the vCPU's state as
 * QEMU saw it when it wrote the dump, including what NT_PRSTATUS lacks (control registers, segment
 * bases, kernel_gs_base when the note is long enough).
 *
 * @param cpu          position among the QEMU notes (vCPU index)
 * @param gpr          rax rbx rcx rdx rsi rdi rsp rbp r8..r15 rip rflags (18 words)
 * @param segmentBase  base of cs ds es fs gs ss ldt tr gdt idt (10 words)
 * @param cr           cr0..cr4
 * @param kernelGsBase MSR_KERNEL_GS_BASE, or 0 when the note predates that field
 */
public record QemuCpuState(int cpu, long[] gpr, long[] segmentBase, long[] cr, long kernelGsBase) {
    public long rip() { return gpr[16]; }
    public long rsp() { return gpr[6]; }
    public long rbp() { return gpr[7]; }
    public long cr3() { return cr[3]; }
    public long gsBase() { return segmentBase[4]; }
}
