package io.kdx.symbols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.kdx.symbols.elf.ElfFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build-id read without mapping the file is the one the mapped ELF reader finds. */
class ElfBuildIdTest {
    @Test
    void readWithoutMappingAsTheMappedReaderReadsIt(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("vmlinux");
        Files.write(f, SyntheticDwarfTest.elf(null).build());
        try (ElfFile elf = ElfFile.open(f)) {
            assertEquals("0102030405060708090a", elf.buildId());
            assertEquals(elf.buildId(), ElfFile.readBuildId(f));
        }
    }

    @Test
    void noBuildIdOrNotAnElfIsNull(@TempDir Path dir) throws Exception {
        Path none = dir.resolve("none");
        Files.write(none, new ElfBuilder().section(".text", 1, 6, 0xffffffff81000000L, new byte[64]).build());
        assertNull(ElfFile.readBuildId(none));
        Path text = dir.resolve("text");
        Files.writeString(text, "not an ELF file at all, but long enough to hold a header of sixty-four bytes......");
        assertNull(ElfFile.readBuildId(text));
        byte[] elf = SyntheticDwarfTest.elf(null).build();
        Path cut = dir.resolve("cut"); // the section headers lie past the end
        Files.write(cut, Arrays.copyOf(elf, 100));
        assertNull(ElfFile.readBuildId(cut));
    }
}
