package io.kdx.dump.kdump;

import io.kdx.dump.DumpException;
import io.kdx.dump.io.ByteSource;
import java.nio.file.Path;

/**
 * makedumpfile's disk_dump_header (block 0) and kdump_sub_header (block 1), normalised across header
 * versions: v1 adds dump_level, v2 split and start/end pfn, v3 the VMCOREINFO offset, v4 the ELF notes,
 * v5 eraseinfo, v6 the 64-bit max_mapnr and pfn range (the 32-bit max_mapnr is obsolete from v6).
 */
public record KdumpHeader(
        int version,
        String[] utsname, // sysname nodename release version machine domainname
        long timestampSeconds,
        int status,
        int blockSize,
        int subHdrSize,
        long bitmapBlocks,
        long maxMapnr,
        int nrCpus,
        long physBase,
        int dumpLevel,
        boolean split,
        long startPfn,
        long endPfn,
        long offsetVmcoreinfo,
        long sizeVmcoreinfo,
        long offsetNote,
        long sizeNote,
        long offsetEraseinfo,
        long sizeEraseinfo) {

    /** Header status bits that are not compression flags. */
    public static final int STATUS_INCOMPLETE = 0x8, STATUS_EXCLUDED_VMEMMAP = 0x10;
    static final int UTS_LEN = 65, UTS_OFFSET = 12;

    static KdumpHeader read(ByteSource f) throws DumpException {
        Path p = f.path();
        if (f.size() < 464) throw new DumpException(p, "truncated kdump header (" + f.size() + " bytes)");
        int version = f.getInt(8);
        if (version < 0 || version > 1000) {
            if (Integer.reverseBytes(version) >= 0 && Integer.reverseBytes(version) <= 1000) {
                throw new DumpException(p, "big-endian kdump files are not supported");
            }
            throw new DumpException(p, "implausible kdump header_version " + version);
        }
        String[] uts = new String[6];
        for (int i = 0; i < 6; i++) uts[i] = f.cString(UTS_OFFSET + (long) i * UTS_LEN, UTS_LEN);
        long ts = f.getLong(408);
        int status = f.getInt(424);
        int blockSize = f.getInt(428);
        int subHdrSize = f.getInt(432);
        long bitmapBlocks = f.getInt(436) & 0xffffffffL;
        long maxMapnr32 = f.getInt(440) & 0xffffffffL;
        int nrCpus = f.getInt(460);
        if (blockSize < 512 || blockSize > (1 << 20) || Integer.bitCount(blockSize) != 1) {
            throw new DumpException(p, "implausible kdump block_size " + blockSize);
        }
        if (subHdrSize < 0) throw new DumpException(p, "negative kdump sub_hdr_size " + subHdrSize);
        long sub = blockSize;
        if (!f.contains(sub, 104) && version >= 1) throw new DumpException(p, "truncated kdump sub-header");
        long physBase = 0, startPfn = 0, endPfn = 0, oVi = 0, sVi = 0, oNote = 0, sNote = 0, oErase = 0, sErase = 0;
        int dumpLevel = -1;
        boolean split = false;
        long maxMapnr = maxMapnr32;
        if (version >= 1) {
            physBase = f.getLong(sub);
            dumpLevel = f.getInt(sub + 8);
        }
        if (version >= 2) {
            split = f.getInt(sub + 12) != 0;
            startPfn = f.getLong(sub + 16);
            endPfn = f.getLong(sub + 24);
        }
        if (version >= 3) {
            oVi = f.getLong(sub + 32);
            sVi = f.getLong(sub + 40);
        }
        if (version >= 4) {
            oNote = f.getLong(sub + 48);
            sNote = f.getLong(sub + 56);
        }
        if (version >= 5) {
            oErase = f.getLong(sub + 64);
            sErase = f.getLong(sub + 72);
        }
        if (version >= 6) {
            startPfn = f.getLong(sub + 80);
            endPfn = f.getLong(sub + 88);
            maxMapnr = f.getLong(sub + 96);
        }
        if (maxMapnr < 0) throw new DumpException(p, "implausible max_mapnr " + maxMapnr);
        if (!split) {
            startPfn = 0;
            endPfn = maxMapnr;
        } else if (startPfn < 0 || endPfn < startPfn || endPfn > maxMapnr) {
            throw new DumpException(p, "split dump with implausible pfn range [" + startPfn + ", " + endPfn + ")");
        }
        return new KdumpHeader(version, uts, ts, status, blockSize, subHdrSize, bitmapBlocks, maxMapnr, nrCpus,
                physBase, dumpLevel, split, startPfn, endPfn, oVi, sVi, oNote, sNote, oErase, sErase);
    }

    /** Byte offset of the bitmaps. */
    long bitmapOffset() {
        return (long) blockSize * (1 + subHdrSize);
    }

    /** Byte offset of the first page descriptor. */
    long descriptorOffset() {
        return (long) blockSize * (1 + subHdrSize + bitmapBlocks);
    }

    boolean incomplete() {
        return (status & STATUS_INCOMPLETE) != 0;
    }

    String uts(int i) {
        String s = utsname[i];
        return s == null || s.isEmpty() ? null : s;
    }
}
