package io.kdx.dump;

import io.kdx.dump.elf.ElfDump;
import io.kdx.dump.kdump.KdumpDump;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Recognises a dump's format by its first bytes and opens it. */
final class Dumps {
    private Dumps() {}

    static Dump open(DumpOptions options, Path... files) throws DumpException {
        if (files == null || files.length == 0) throw new IllegalArgumentException("no dump file given");
        for (Path f : files) {
            if (Files.isDirectory(f)) throw new DumpException(f, "is a directory, not a dump file");
            if (!Files.exists(f)) throw new DumpException(f, "no such file");
            if (!Files.isReadable(f)) throw new DumpException(f, "permission denied");
            // a FIFO, socket or device would block the first read or map nothing: refuse at once
            if (!Files.isRegularFile(f)) throw new DumpException(f, "not a regular file (a pipe, socket or device), not a dump file");
        }
        byte[] head = head(files[0]);
        if (head.length == 0) throw new DumpException(files[0], "empty file, not a dump");
        Format fmt = Format.of(head);
        if (fmt == Format.ELF) {
            if (files.length > 1) throw new DumpException(files[1], "only makedumpfile --split kdump files form a split dump");
            return ElfDump.open(files[0], options);
        }
        if (fmt == Format.KDUMP || fmt == Format.FLATTENED) return KdumpDump.open(options, files);
        if (fmt == Format.DISKDUMP) throw new DumpException(files[0], "old diskdump ('DISKDUMP' signature) files are not supported");
        throw new DumpException(files[0], "not a crash dump (neither ELF, nor kdump 'KDUMP   ', nor flattened 'makedumpfile')");
    }

    private static byte[] head(Path f) throws DumpException {
        try (InputStream in = Files.newInputStream(f)) {
            return in.readNBytes(16);
        } catch (IOException e) {
            throw new DumpException(f, "cannot read: " + e.getMessage(), e);
        }
    }

    enum Format {
        ELF, KDUMP, FLATTENED, DISKDUMP, UNKNOWN;

        static Format of(byte[] h) {
            if (h.length >= 4 && h[0] == 0x7f && h[1] == 'E' && h[2] == 'L' && h[3] == 'F') return ELF;
            if (starts(h, "KDUMP   ")) return KDUMP;
            if (starts(h, "makedumpfile")) return FLATTENED;
            if (starts(h, "DISKDUMP")) return DISKDUMP;
            return UNKNOWN;
        }

        private static boolean starts(byte[] h, String s) {
            if (h.length < s.length()) return false;
            for (int i = 0; i < s.length(); i++) if (h[i] != s.charAt(i)) return false;
            return true;
        }
    }
}
