package io.kdx.symbols.elf;

/** One section header (Elf64_Shdr), with its name resolved from .shstrtab. */
public record ElfSection(int index, String name, int type, long flags, long addr, long offset, long size,
        int link, int info, long entsize) {
    public static final int SHT_PROGBITS = 1, SHT_SYMTAB = 2, SHT_STRTAB = 3, SHT_NOTE = 7, SHT_NOBITS = 8;
    public static final long SHF_ALLOC = 0x2, SHF_EXECINSTR = 0x4, SHF_COMPRESSED = 0x800;

    public boolean contains(long vaddr) {
        return (flags & SHF_ALLOC) != 0 && Long.compareUnsigned(vaddr, addr) >= 0
                && Long.compareUnsigned(vaddr - addr, size) < 0;
    }

    public boolean compressed() {
        return (flags & SHF_COMPRESSED) != 0 || name.startsWith(".zdebug");
    }
}
