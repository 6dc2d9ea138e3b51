package io.kdx.analyzer.crash;

import io.kdx.symbols.SymbolsException;
import io.kdx.symbols.elf.ElfFile;
import io.kdx.symbols.elf.ElfSection;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The nm type letter crash's {@code sym} prints, from the vmlinux's ELF symbol table as nm derives
 * it: A for an absolute symbol; W (V for an object) for a weak one; else by the section: B for
 * writable NOBITS, T for executable, D for writable, R for the other allocated sections, N for the
 * rest; lower case for a local symbol. Read once per session (a name to letters at each address).
 */
final class SymLetters {
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long SHF_WRITE = 0x1;

    /** Link-time address and letter of each definition of a name (static symbols may repeat). */
    private final Map<String, long[]> byName;
    /** Every defined symbol in .symtab order, section symbols (named after their section) included: what crash's sym -l sorts. */
    private final List<Entry> entries;

    /** One .symtab symbol: name, link-time value, nm letter. */
    record Entry(String name, long value, char letter) {}

    private SymLetters(Map<String, long[]> byName, List<Entry> entries) {
        this.byName = byName;
        this.entries = entries;
    }

    List<Entry> entries() {
        return entries;
    }

    /** The letters of VMLINUX's .symtab; null when it is no ELF file with one (a pack, a directory). */
    static SymLetters read(Path vmlinux) {
        if (vmlinux == null) return null;
        try (ElfFile elf = ElfFile.open(vmlinux)) {
            ElfSection symtab = elf.section(".symtab");
            if (symtab == null) return null;
            MemorySegment syms = elf.data(symtab), str = elf.data(elf.sections().get(symtab.link()));
            List<ElfSection> sections = elf.sections();
            Map<String, long[]> out = new HashMap<>(1 << 18);
            List<Entry> all = new java.util.ArrayList<>((int) (syms.byteSize() / 24));
            for (long o = 24; o + 24 <= syms.byteSize(); o += 24) {
                int nameOff = syms.get(U32, o);
                int info = syms.get(ValueLayout.JAVA_BYTE, o + 4) & 0xff;
                int shndx = syms.get(U16, o + 6) & 0xffff;
                int type = info & 0xf, bind = info >>> 4;
                if (type == 3 && shndx != 0 && shndx < sections.size()) { // STT_SECTION: BFD names it after its section
                    all.add(new Entry(sections.get(shndx).name(), syms.get(U64, o + 8), letter(bind, type, shndx, sections)));
                }
                if (shndx == 0 || type == 3 || type == 4 || nameOff <= 0) continue; // undefined, STT_SECTION, STT_FILE
                char c = letter(bind, type, shndx, sections);
                String name = cString(str, nameOff);
                all.add(new Entry(name, syms.get(U64, o + 8), c));
                long[] prev = out.get(name);
                long[] e = prev == null ? new long[2] : java.util.Arrays.copyOf(prev, prev.length + 2);
                e[e.length - 2] = syms.get(U64, o + 8);
                e[e.length - 1] = c;
                out.put(name, e);
            }
            return new SymLetters(out, all);
        } catch (SymbolsException | RuntimeException e) {
            return null;
        }
    }

    static char letter(int bind, int type, int shndx, List<ElfSection> sections) {
        char c;
        if (shndx == 0xfff1) c = 'A';
        else if (bind == 2) return type == 1 ? 'V' : 'W';
        else if (shndx >= sections.size()) c = '?';
        else {
            ElfSection s = sections.get(shndx);
            if ((s.flags() & ElfSection.SHF_ALLOC) == 0) c = 'N';
            else if (s.type() == ElfSection.SHT_NOBITS) c = (s.flags() & SHF_WRITE) != 0 ? 'B' : 'R';
            else if ((s.flags() & ElfSection.SHF_EXECINSTR) != 0) c = 'T';
            else if ((s.flags() & SHF_WRITE) != 0) c = 'D';
            else c = 'R';
        }
        return bind == 0 ? Character.toLowerCase(c) : c;
    }

    private static String cString(MemorySegment m, long off) {
        long end = off;
        while (end < m.byteSize() && m.get(ValueLayout.JAVA_BYTE, end) != 0) end++;
        return new String(m.asSlice(off, end - off).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }

    /** The symbol names, sorted. */
    List<String> names() {
        List<String> out = new java.util.ArrayList<>(byName.keySet());
        java.util.Collections.sort(out);
        return out;
    }

    /** NAME's letter at link-time ADDRESS (the first definition when none is there), or 0 when the table has no NAME. */
    char of(String name, long address) {
        long[] e = byName.get(name);
        if (e == null) return 0;
        for (int i = 0; i < e.length; i += 2) if (e[i] == address) return (char) e[i + 1];
        return (char) e[1];
    }
}
