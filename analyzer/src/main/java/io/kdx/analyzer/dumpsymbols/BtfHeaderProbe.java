package io.kdx.analyzer.dumpsymbols;

import io.kdx.analyzer.kernel.MemoryFault;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A guess at where the kernel's BTF lies, made before kallsyms is read: the first BTF header (struct
 * btf_header: magic 0xeB9F, version 1, a 24-byte header, the type section first and the string
 * section right after it) at a 4-byte boundary after {@code from}. Only a guess: kallsyms's
 * __start_BTF and __stop_BTF must confirm it before it is used.
 */
final class BtfHeaderProbe {
    private BtfHeaderProbe() {}

    /** {start, stop} of the first plausible BTF blob within {@code limit} bytes after {@code from}, or null. */
    static long[] find(ImageMemory img, long from, long limit) {
        int ps = 4096;
        byte[] page = new byte[ps];
        ByteBuffer b = ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN);
        for (long va = from & ~(ps - 1L); va < from + limit; va += ps) {
            try {
                img.read(va, page, 0, ps);
            } catch (MemoryFault f) {
                continue; // a page the dump lacks: the BTF is not there
            }
            for (int off = 0; off + 24 <= ps; off += 4) {
                if (page[off] != (byte) 0x9f || page[off + 1] != (byte) 0xeb || page[off + 2] != 1) continue;
                long hdrLen = b.getInt(off + 4) & 0xffff_ffffL, typeOff = b.getInt(off + 8) & 0xffff_ffffL;
                long typeLen = b.getInt(off + 12) & 0xffff_ffffL, strOff = b.getInt(off + 16) & 0xffff_ffffL;
                long strLen = b.getInt(off + 20) & 0xffff_ffffL;
                if (hdrLen != 24 || typeOff != 0 || strOff != typeLen || typeLen == 0 || strLen == 0) continue;
                long size = hdrLen + strOff + strLen;
                if (size > (256L << 20)) continue;
                return new long[] {va + off, va + off + size};
            }
        }
        return null;
    }
}
