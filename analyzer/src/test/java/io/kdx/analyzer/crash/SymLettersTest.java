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
        assertEquals('T', SymLetters.letter(GLOBAL, FUNC, 1, SECTIONS));
        assertEquals('t', SymLetters.letter(LOCAL, FUNC, 1, SECTIONS));
        assertEquals('R', SymLetters.letter(GLOBAL, OBJECT, 2, SECTIONS));
        assertEquals('r', SymLetters.letter(LOCAL, OBJECT, 2, SECTIONS));
        assertEquals('D', SymLetters.letter(GLOBAL, OBJECT, 3, SECTIONS));
        assertEquals('d', SymLetters.letter(LOCAL, NOTYPE, 3, SECTIONS));
        assertEquals('B', SymLetters.letter(GLOBAL, OBJECT, 4, SECTIONS));
        assertEquals('b', SymLetters.letter(LOCAL, OBJECT, 4, SECTIONS));
        assertEquals('W', SymLetters.letter(WEAK, FUNC, 1, SECTIONS));
        assertEquals('V', SymLetters.letter(WEAK, OBJECT, 3, SECTIONS));
        assertEquals('A', SymLetters.letter(GLOBAL, NOTYPE, 0xfff1, SECTIONS));
        assertEquals('a', SymLetters.letter(LOCAL, NOTYPE, 0xfff1, SECTIONS));
        assertEquals('N', SymLetters.letter(GLOBAL, NOTYPE, 5, SECTIONS));
    }
}
