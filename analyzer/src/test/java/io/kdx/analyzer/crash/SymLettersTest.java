package io.kdx.analyzer.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kdx.symbols.elf.ElfSection;
import java.util.List;
import org.junit.jupiter.api.Test;

/** nm's letters from an ELF symbol's binding, type and section (crash's sym prints them). */
class SymLettersTest {
    static final long ALLOC = ElfSection.SHF_ALLOC, EXEC = ElfSection.SHF_EXECINSTR, WRITE = 0x1;
    static final List<ElfSection> SECTIONS = List.of(
            new ElfSection(0, "", 0, 0, 0, 0, 0, 0, 0, 0),
            new ElfSection(1, ".text", ElfSection.SHT_PROGBITS, ALLOC | EXEC, 0, 0, 0, 0, 0, 0),
            new ElfSection(2, ".rodata", ElfSection.SHT_PROGBITS, ALLOC, 0, 0, 0, 0, 0, 0),
            new ElfSection(3, ".data", ElfSection.SHT_PROGBITS, ALLOC | WRITE, 0, 0, 0, 0, 0, 0),
            new ElfSection(4, ".bss", ElfSection.SHT_NOBITS, ALLOC | WRITE, 0, 0, 0, 0, 0, 0),
            new ElfSection(5, ".comment", ElfSection.SHT_PROGBITS, 0, 0, 0, 0, 0, 0, 0));
    static final int LOCAL = 0, GLOBAL = 1, WEAK = 2, NOTYPE = 0, OBJECT = 1, FUNC = 2;

    @Test
    void lettersAsNmGivesThem() {
        int[][] cases = { // letter, binding, type, section index
            {'T', GLOBAL, FUNC, 1}, {'t', LOCAL, FUNC, 1}, {'R', GLOBAL, OBJECT, 2}, {'r', LOCAL, OBJECT, 2},
            {'D', GLOBAL, OBJECT, 3}, {'d', LOCAL, NOTYPE, 3}, {'B', GLOBAL, OBJECT, 4}, {'b', LOCAL, OBJECT, 4},
            {'W', WEAK, FUNC, 1}, {'V', WEAK, OBJECT, 3}, {'A', GLOBAL, NOTYPE, 0xfff1}, {'a', LOCAL, NOTYPE, 0xfff1},
            {'N', GLOBAL, NOTYPE, 5}};
        for (int[] c : cases) assertEquals((char) c[0], SymLetters.letter(c[1], c[2], c[3], SECTIONS), java.util.Arrays.toString(c));
    }
}
