package io.kdx.symbols.elf;

import com.github.luben.zstd.ZstdDecompressCtx;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import io.kdx.symbols.SymbolsException;

/**
 * Decompresses a compressed debug section into native memory: SHF_COMPRESSED sections start with an
 * Elf64_Chdr {u32 ch_type (1 zlib, 2 zstd); u32 reserved; u64 ch_size; u64 ch_addralign}; the older
 * .zdebug_* form starts with "ZLIB" and the size as a big-endian u64, then a zlib stream.
 */
final class SectionInflater {
    static final int ELFCOMPRESS_ZLIB = 1, ELFCOMPRESS_ZSTD = 2;
    /** Refuse absurd sizes from a corrupt header (ByteBuffer views stop at 2 GiB; kernel debug sections are a few hundred MiB). */
    static final long MAX_SIZE = Integer.MAX_VALUE - 64;

    private SectionInflater() {}

    static MemorySegment inflate(Path file, ElfSection s, MemorySegment raw, Arena arena) throws SymbolsException {
        int type;
        long size;
        long dataOff;
        if ((s.flags() & ElfSection.SHF_COMPRESSED) != 0) {
            if (raw.byteSize() < 24) throw new SymbolsException(file, "section " + s.name() + ": truncated compression header");
            type = Bytes.i32(raw, 0);
            size = Bytes.u64(raw, 8);
            dataOff = 24;
        } else {
            if (raw.byteSize() < 12 || Bytes.u32(raw, 0) != 0x42494c5aL /* "ZLIB" */) {
                throw new SymbolsException(file, "section " + s.name() + ": no ZLIB header");
            }
            type = ELFCOMPRESS_ZLIB;
            size = Long.reverseBytes(Bytes.u64(raw, 4));
            dataOff = 12;
        }
        if (size < 0 || size > MAX_SIZE) throw new SymbolsException(file, "section " + s.name() + ": implausible uncompressed size " + size);
        MemorySegment out = arena.allocate(Math.max(1, size), 16);
        ByteBuffer dst = out.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer src = raw.asSlice(dataOff).asByteBuffer();
        try {
            if (type == ELFCOMPRESS_ZLIB) {
                Inflater inf = new Inflater();
                try {
                    inf.setInput(src);
                    while (dst.hasRemaining() && !inf.finished()) {
                        int n = inf.inflate(dst);
                        if (n == 0 && (inf.needsInput() || inf.needsDictionary())) break;
                    }
                } finally {
                    inf.end();
                }
            } else if (type == ELFCOMPRESS_ZSTD) {
                try (ZstdDecompressCtx z = new ZstdDecompressCtx()) {
                    ByteBuffer dsrc = src.isDirect() ? src : ByteBuffer.allocateDirect(src.remaining()).put(src).flip();
                    int n = z.decompressDirectByteBuffer(dst, 0, (int) size, dsrc, 0, dsrc.remaining());
                    dst.position(n);
                }
            } else {
                throw new SymbolsException(file, "section " + s.name() + ": unknown compression type " + type);
            }
        } catch (DataFormatException | RuntimeException e) {
            throw new SymbolsException(file, "section " + s.name() + ": corrupt compressed data (" + e.getMessage() + ")");
        }
        if (dst.position() != size) {
            throw new SymbolsException(file, "section " + s.name() + ": decompressed " + dst.position() + " of " + size + " bytes");
        }
        return out;
    }
}
