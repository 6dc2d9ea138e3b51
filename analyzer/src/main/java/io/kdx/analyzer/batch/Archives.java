package io.kdx.analyzer.batch;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;

/**
 * Archives holding a vmcore, as triage services receive them. The dump inside is found by its
 * signature, not its name: a kdump ("KDUMP   "), a flattened makedumpfile stream ("makedumpfile")
 * or an ELF core. A dump must be memory-mapped, so the entry is copied to a temporary file once.
 */
public final class Archives {
    private static final byte[] KDUMP = "KDUMP   ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] FLAT = "makedumpfile".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] ELF = {0x7f, 'E', 'L', 'F'};

    private Archives() {}

    public static boolean isArchive(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".tar") || n.endsWith(".tar.gz") || n.endsWith(".tgz") || n.endsWith(".tar.xz")
                || n.endsWith(".txz") || n.endsWith(".tar.zst") || n.endsWith(".tzst");
    }

    static boolean looksLikeDump(byte[] head, int len) {
        return startsWith(head, len, KDUMP) || startsWith(head, len, FLAT) || startsWith(head, len, ELF);
    }

    private static boolean startsWith(byte[] head, int len, byte[] magic) {
        return len >= magic.length && Arrays.equals(head, 0, magic.length, magic, 0, magic.length);
    }

    static TarArchiveInputStream open(Path archive) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(archive), 1 << 16);
        String n = archive.getFileName().toString().toLowerCase(Locale.ROOT);
        try {
            if (n.endsWith(".gz") || n.endsWith(".tgz")) in = new GzipCompressorInputStream(in, true);
            else if (n.endsWith(".xz") || n.endsWith(".txz")) in = new XZCompressorInputStream(in, true);
            else if (n.endsWith(".zst") || n.endsWith(".tzst")) in = new ZstdCompressorInputStream(in);
        } catch (IOException e) {
            in.close();
            throw new IOException(archive + ": not a readable " + n.substring(n.lastIndexOf('.') + 1) + " stream (" + e.getMessage() + ")");
        }
        return new TarArchiveInputStream(in);
    }

    /**
     * Copies the first entry of the archive that is a dump into {@code dir}; returns it, or throws
     * naming the archive when it holds no dump.
     */
    public static Extracted extractDump(Path archive, Path dir) throws IOException {
        try (TarArchiveInputStream tar = open(archive)) {
            byte[] head = new byte[16];
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                if (!e.isFile() || e.getSize() < 64) continue;
                int n = tar.readNBytes(head, 0, head.length);
                if (!looksLikeDump(head, n)) continue;
                Path out = dir.resolve("dump");
                try (OutputStream os = Files.newOutputStream(out)) {
                    os.write(head, 0, n);
                    tar.transferTo(os);
                }
                return new Extracted(e.getName(), out);
            }
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(archive.toString())) throw e;
            throw new IOException(archive + ": damaged archive: " + what(e));
        } catch (RuntimeException e) { // commons-compress reports some malformed headers unchecked
            throw new IOException(archive + ": damaged archive: " + what(e));
        }
        throw new IOException(archive + ": holds no dump (no entry starts with a kdump, flattened or ELF signature)");
    }

    /** What is wrong, in words, when the library gave no message (a bare EOFException on a cut stream). */
    static String what(Exception e) {
        if (e instanceof java.io.EOFException) {
            return "it ends in the middle" + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")") + " (truncated?)";
        }
        if (e.getMessage() != null && !e.getMessage().isBlank()) return e.getMessage();
        Throwable c = e.getCause();
        if (c != null && c.getMessage() != null) return c.getMessage();
        return e.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
    }

    public record Extracted(String entry, Path file) {}
}
