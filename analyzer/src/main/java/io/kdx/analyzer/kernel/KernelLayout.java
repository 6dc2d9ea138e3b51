package io.kdx.analyzer.kernel;

/**
 * The few facts address translation needs, and where they came from.
 *
 * @param kaslrOffset   runtime minus link-time address of kernel text
 * @param physBase      x86_64 phys_base: physical address of the kernel image minus its link offset
 * @param rootTable     physical address of the top page table (init_top_pgt)
 * @param fiveLevel     5-level paging (pgtable_l5_enabled)
 * @param source        how these were found ("vmcoreinfo", "symbols+vmcoreinfo", "linux_banner scan")
 */
public record KernelLayout(long kaslrOffset, long physBase, long rootTable, boolean fiveLevel, String source) {}
