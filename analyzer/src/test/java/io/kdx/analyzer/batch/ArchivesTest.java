package io.kdx.analyzer.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ArchivesTest {
    @TempDir
    Path tmp;

    private static byte[] fakeKdump(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        System.arraycopy("KDUMP   ".getBytes(StandardCharsets.US_ASCII), 0, b, 0, 8);
        return b;
    }

    private Path archive(String name, byte[]... entries) throws IOException {
        Path p = tmp.resolve(name);
        try (OutputStream raw = Files.newOutputStream(p)) {
            OutputStream os = name.endsWith(".gz") ? new GzipCompressorOutputStream(raw)
                    : name.endsWith(".xz") ? new XZCompressorOutputStream(raw)
                    : name.endsWith(".zst") ? new ZstdCompressorOutputStream(raw) : raw;
            try (TarArchiveOutputStream tar = new TarArchiveOutputStream(os)) {
                int i = 0;
                for (byte[] e : entries) {
                    TarArchiveEntry te = new TarArchiveEntry("case-123/file" + (i++));
                    te.setSize(e.length);
                    tar.putArchiveEntry(te);
                    tar.write(e);
                    tar.closeArchiveEntry();
                }
            }
        }
        return p;
    }

    @ParameterizedTest
    @ValueSource(strings = {"drop.tar", "drop.tar.gz", "drop.tar.xz", "drop.tar.zst"})
    void findsTheDumpBySignatureAmongOtherEntries(String name) throws IOException {
        byte[] notes = "sosreport notes, not a dump\n".repeat(10).getBytes(StandardCharsets.US_ASCII);
        byte[] dump = fakeKdump(300_000);
        Path a = archive(name, notes, dump);
        assertTrue(Archives.isArchive(a));
        Path out = Files.createDirectory(tmp.resolve("x-" + name));
        Archives.Extracted x = Archives.extractDump(a, out);
        assertEquals("case-123/file1", x.entry());
        assertArrayEquals(dump, Files.readAllBytes(x.file()));
    }

    @Test
    void anArchiveWithoutADumpSaysSoNamingTheArchive() throws IOException {
        Path a = archive("empty.tar.gz", "just text, long enough to be considered at all....................".getBytes());
        IOException e = assertThrows(IOException.class, () -> Archives.extractDump(a, tmp));
        assertTrue(e.getMessage().startsWith(a.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("holds no dump"), e.getMessage());
    }

    @Test
    void aDamagedArchiveIsOneLineNamingIt() throws IOException {
        Path a = tmp.resolve("broken.tar.gz");
        Files.write(a, new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3});
        IOException e = assertThrows(IOException.class, () -> Archives.extractDump(a, tmp));
        assertTrue(e.getMessage().startsWith(a.toString()), e.getMessage());
    }
}
