package io.kdx.symbols.dwarf;

import io.kdx.symbols.SymbolsException;
import io.kdx.symbols.elf.ElfFile;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/** The DWARF sections kdx reads, mapped (or inflated when compressed). Absent optional ones are empty. */
final class DwarfSections {
    final Path file;
    final MemorySegment info, abbrev, str, lineStr, strOffsets, addr;

    DwarfSections(Path file, MemorySegment info, MemorySegment abbrev, MemorySegment str, MemorySegment lineStr,
            MemorySegment strOffsets, MemorySegment addr) {
        this.file = file;
        this.info = info;
        this.abbrev = abbrev;
        this.str = str;
        this.lineStr = lineStr;
        this.strOffsets = strOffsets;
        this.addr = addr;
    }

    static DwarfSections of(ElfFile elf) throws SymbolsException {
        MemorySegment info = elf.data(".debug_info"), abbrev = elf.data(".debug_abbrev");
        if (info == null || abbrev == null) {
            throw new SymbolsException(elf.path(), "no DWARF (.debug_info/.debug_abbrev missing): not a debug vmlinux");
        }
        return new DwarfSections(elf.path(), info, abbrev, orEmpty(elf.data(".debug_str")), orEmpty(elf.data(".debug_line_str")),
                orEmpty(elf.data(".debug_str_offsets")), orEmpty(elf.data(".debug_addr")));
    }

    private static MemorySegment orEmpty(MemorySegment s) {
        return s == null ? MemorySegment.ofArray(new byte[0]) : s;
    }
}
