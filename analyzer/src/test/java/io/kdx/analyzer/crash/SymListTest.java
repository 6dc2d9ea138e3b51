package io.kdx.analyzer.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** crash's kernel symbol table rules on a made-up .symtab: sorting, what below _text is kept, KASLR, clone suffixes. */
class SymListTest {
    static SymLetters.Entry e(String name, long value, char letter) {
        return new SymLetters.Entry(name, value, letter);
    }

    @Test
    void keepsPerCpuAndEverythingFromTextOn() {
        long kaslr = 0x0fe0_0000L;
        List<SymLetters.Entry> symtab = List.of(
                e(".text", 0xffffffff81000000L, 't'), // a section symbol sorted before _text: dropped, as crash drops it
                e("_text", 0xffffffff81000000L, 'T'),
                e("sp_offset", 0, 'a'), // below _text and no per-CPU symbol
                e("fixed_percpu_data", 0, 'D'),
                e("__per_cpu_start", 0, 'D'),
                e("cpu_tss_rw", 0x6000, 'D'),
                e("text_size", 0xe01ef2, 'A'),
                e(".rodata", 0xffffffff82000000L, 'd'),
                e("ftrace_regex_write.part.0.isra.0", 0xffffffff811a38d0L, 't'),
                e("adjust_jiffies_till_sched_qs.part.0", 0xffffffff819d4802L, 't'),
                e("jiffies_64", 0xffffffff82a079c0L, 'D'),
                e("jiffies", 0xffffffff82a079c0L, 'D'),
                e("foo.llvm.123", 0xffffffff81000010L, 't'),
                e("init_per_cpu__gdt_page", 0xffffffff83025000L, 'A'));
        List<String> lines = SymList.fromSymtab(symtab, kaslr).stream().map(SymList.Sym::line).toList();
        assertEquals(List.of("0 (D) __per_cpu_start", "0 (D) fixed_percpu_data", "6000 (D) cpu_tss_rw", "ffffffff90e00000 (T) _text",
                "ffffffff90e00010 (t) foo", "ffffffff90fa38d0 (t) ftrace_regex_write.part.0", "ffffffff917d4802 (t) adjust_jiffies_till_sched_qs",
                "ffffffff91e00000 (d) .rodata", "ffffffff928079c0 (D) jiffies", "ffffffff928079c0 (D) jiffies_64",
                "ffffffff92e25000 (A) init_per_cpu__gdt_page"), lines);
    }

    @Test
    void stripCutsAtTheFirstCloneSuffixFound() {
        assertEquals("a.part.0", SymList.strip("a.part.0.isra.0"));
        assertEquals("b", SymList.strip("b.isra.0"));
        assertEquals("c", SymList.strip("c.llvm.77"));
        assertEquals("d.cold", SymList.strip("d.cold"));
        assertEquals("e.constprop.0", SymList.strip("e.constprop.0"));
    }
}
